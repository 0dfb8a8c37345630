variable "name" {
  description = "Name of the execution role"
  type        = string
}

variable "environment_name" {
  description = "Name of the MWAA environment that assumes the role"
  type        = string
}

variable "source_bucket_arn" {
  description = "ARN of the environment's source bucket"
  type        = string
}

variable "kms_key" {
  description = "Customer managed KMS key of the environment, if any"
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags of the role"
  type        = map(string)
  default     = {}
}
