variable "name" {
  description = "(Required) Name of the environment"
  type        = string
}

variable "source_bucket_arn" {
  description = "(Required) ARN of the bucket holding DAGs and requirements"
  type        = string
}

variable "execution_role_arn" {
  description = "(Required) ARN of the execution role"
  type        = string
}

variable "requirements_s3_path" {
  description = "(Optional) Key of requirements.txt in the bucket"
  type        = string
  default     = null
}

variable "requirements_s3_object_version" {
  description = "(Optional) Version of requirements.txt; MWAA takes the latest when not set"
  type        = string
  default     = null
}
