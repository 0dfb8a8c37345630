terraform {
  required_version = ">= 1.3"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "bucket_name" {
  description = "Name of the source bucket"
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the bucket's default encryption; null uses SSE-S3"
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags of the bucket"
  type        = map(string)
  default     = {}
}

module "s3_bucket" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "4.11.0"

  bucket = var.bucket_name

  versioning = {
    enabled = true
  }

  server_side_encryption_configuration = var.kms_key_arn == null ? {
    sse_algorithm = "AES256"
    } : {
    sse_algorithm     = "aws:kms"
    kms_master_key_id = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_s3_object" "dags" {
  bucket  = module.s3_bucket.s3_bucket_id
  key     = "dags/"
  content = ""
}

output "arn" {
  description = "ARN of the source bucket"
  value       = module.s3_bucket.s3_bucket_arn
}

output "id" {
  description = "Name of the source bucket"
  value       = module.s3_bucket.s3_bucket_id
}
