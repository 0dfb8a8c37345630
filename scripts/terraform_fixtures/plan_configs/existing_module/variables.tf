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

variable "source_bucket_arn" {
  description = "The data platform's shared DAG bucket"
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR block of the environment's VPC"
  type        = string
}
