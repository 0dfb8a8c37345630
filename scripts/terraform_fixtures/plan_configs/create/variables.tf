variable "region" {
  description = "AWS Region of the environment"
  type        = string
}

variable "environment_name" {
  description = "Name of the MWAA environment"
  type        = string
}

variable "airflow_version" {
  description = "Airflow version"
  type        = string
}

variable "webserver_access_mode" {
  description = "PRIVATE_ONLY or PUBLIC_ONLY"
  type        = string
  default     = "PRIVATE_ONLY"
}

variable "vpc_id" {
  description = "The shared VPC"
  type        = string
}

variable "private_subnet_cidrs" {
  description = "CIDR blocks of the environment's two private subnets"
  type        = list(string)
}

variable "availability_zones" {
  description = "Availability Zones of the private subnets"
  type        = list(string)
}

variable "nat_gateway_id" {
  description = "NAT gateway of the shared VPC, for PyPI and AWS APIs"
  type        = string
}

variable "smtp_password" {
  description = "Password of the SMTP relay Airflow sends alerts through"
  type        = string
  sensitive   = true
}
