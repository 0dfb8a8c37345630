variable "name" {
  description = "Name of the MWAA environment"
  type        = string
}

variable "airflow_version" {
  description = "Airflow version of the MWAA environment"
  type        = string
  default     = "2.10.3"
}

variable "environment_class" {
  description = "Environment class: mw1.micro, mw1.small, mw1.medium, mw1.large, mw1.xlarge or mw1.2xlarge"
  type        = string
  default     = "mw1.small"
}

variable "min_workers" {
  description = "Minimum number of workers"
  type        = number
  default     = 1
}

variable "max_workers" {
  description = "Maximum number of workers"
  type        = number
  default     = 10
}

variable "webserver_access_mode" {
  description = "PRIVATE_ONLY (VPC endpoint) or PUBLIC_ONLY (internet)"
  type        = string
  default     = "PRIVATE_ONLY"
}

variable "kms_key" {
  description = "ARN of a customer managed KMS key; null uses an AWS owned key"
  type        = string
  default     = null
}

variable "vpc_id" {
  description = "VPC of the environment's security group"
  type        = string
}

variable "private_subnet_ids" {
  description = "Two private subnets in different Availability Zones"
  type        = list(string)
}

variable "create_security_group" {
  description = "Create a security group for the environment"
  type        = bool
  default     = true
}

variable "security_group_ids" {
  description = "Further security groups of the environment"
  type        = list(string)
  default     = []
}

variable "source_cidr" {
  description = "CIDR blocks allowed to reach the web server on 443"
  type        = list(string)
  default     = []
}

variable "source_bucket_arn" {
  description = "ARN of the S3 bucket holding DAGs, plugins and requirements"
  type        = string
}

variable "dag_s3_path" {
  description = "Path of the DAGs folder in the source bucket"
  type        = string
  default     = "dags"
}

variable "requirements_s3_path" {
  description = "Path of requirements.txt in the source bucket"
  type        = string
  default     = null
}

variable "plugins_s3_path" {
  description = "Path of plugins.zip in the source bucket"
  type        = string
  default     = null
}

variable "create_iam_role" {
  description = "Create the execution role"
  type        = bool
  default     = true
}

variable "iam_role_name" {
  description = "Name of the execution role this module creates"
  type        = string
  default     = null
}

variable "execution_role_arn" {
  description = "Execution role to use when create_iam_role is false"
  type        = string
  default     = null
}

variable "weekly_maintenance_window_start" {
  description = "Start of the weekly maintenance window, DAY:HH:MM in UTC"
  type        = string
  default     = null
}

variable "airflow_configuration_options" {
  description = "Airflow configuration options"
  type        = map(string)
  default     = {}
}

variable "logging_configuration" {
  description = "Log level and switch of each Airflow log type"
  type = object({
    dag_processing_logs = object({ enabled = bool, log_level = string })
    scheduler_logs      = object({ enabled = bool, log_level = string })
    task_logs           = object({ enabled = bool, log_level = string })
    webserver_logs      = object({ enabled = bool, log_level = string })
    worker_logs         = object({ enabled = bool, log_level = string })
  })
  default = {
    dag_processing_logs = { enabled = true, log_level = "WARNING" }
    scheduler_logs      = { enabled = true, log_level = "WARNING" }
    task_logs           = { enabled = true, log_level = "INFO" }
    webserver_logs      = { enabled = true, log_level = "WARNING" }
    worker_logs         = { enabled = true, log_level = "WARNING" }
  }
}

variable "tags" {
  description = "Tags of every resource"
  type        = map(string)
  default     = {}
}
