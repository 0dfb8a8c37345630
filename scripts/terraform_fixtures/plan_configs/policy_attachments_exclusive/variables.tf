variable "name" {
  description = "Name of the MWAA environment."
  type        = string
  default     = "lakehouse"
}

variable "subnet_ids" {
  description = "Private subnets of the data VPC."
  type        = list(string)
  default     = ["subnet-0aaa1111bbbb2222c", "subnet-0ccc3333dddd4444e"]
}

variable "security_group_id" {
  description = "Security group of the environment."
  type        = string
  default     = "sg-0abcabcabcabcabc0"
}
