variable "region" {
  description = "AWS Region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "stage" {
  description = "Deployment stage, used in resource names."
  type        = string
  default     = "dev"
}
