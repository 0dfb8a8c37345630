variable "name" {
  description = "Name of the VPC and prefix of its resources' names"
  type        = string
  default     = ""
}

variable "cidr" {
  description = "IPv4 CIDR block of the VPC"
  type        = string
  default     = "10.0.0.0/16"
}

variable "azs" {
  description = "Availability Zones of the subnets"
  type        = list(string)
  default     = []
}

variable "public_subnets" {
  description = "CIDR blocks of the public subnets"
  type        = list(string)
  default     = []
}

variable "private_subnets" {
  description = "CIDR blocks of the private subnets"
  type        = list(string)
  default     = []
}

variable "enable_nat_gateway" {
  description = "Route the private subnets to the internet through NAT gateways"
  type        = bool
  default     = false
}

variable "single_nat_gateway" {
  description = "One NAT gateway for every private subnet"
  type        = bool
  default     = false
}

variable "map_public_ip_on_launch" {
  description = "Give instances in public subnets a public IP address"
  type        = bool
  default     = false
}

variable "enable_dns_hostnames" {
  description = "DNS hostnames in the VPC"
  type        = bool
  default     = true
}

variable "enable_dns_support" {
  description = "DNS support in the VPC"
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags of every resource"
  type        = map(string)
  default     = {}
}

variable "vpc_tags" {
  description = "Further tags of the VPC"
  type        = map(string)
  default     = {}
}

variable "public_subnet_tags" {
  description = "Further tags of the public subnets"
  type        = map(string)
  default     = {}
}

variable "private_subnet_tags" {
  description = "Further tags of the private subnets"
  type        = map(string)
  default     = {}
}
