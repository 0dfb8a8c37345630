variable "vpc_id" {
  description = "VPC of the endpoints"
  type        = string
}

variable "endpoints" {
  description = "Endpoints to create, by key: service, service_type (Interface or Gateway), route_table_ids, tags"
  type        = any
  default     = {}
}

variable "security_group_ids" {
  description = "Security groups of every interface endpoint"
  type        = list(string)
  default     = []
}

variable "subnet_ids" {
  description = "Subnets of every interface endpoint"
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags of every endpoint"
  type        = map(string)
  default     = {}
}
