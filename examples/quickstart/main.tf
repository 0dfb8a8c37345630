terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

locals {
  name = "quickstart-${var.stage}"
}

# --- source bucket ----------------------------------------------------------

resource "aws_s3_bucket" "airflow" {
  bucket = "${local.name}-airflow-${data.aws_caller_identity.current.account_id}"
}

resource "aws_s3_bucket_versioning" "airflow" {
  bucket = aws_s3_bucket.airflow.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "airflow" {
  bucket                  = aws_s3_bucket.airflow.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_object" "requirements" {
  bucket = aws_s3_bucket.airflow.id
  key    = "requirements.txt"
  source = "${path.module}/requirements.txt"
  etag   = filemd5("${path.module}/requirements.txt")
}

# --- logs -------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "task" {
  name              = "airflow-${local.name}-Task"
  retention_in_days = 30
}

# --- environment ------------------------------------------------------------

resource "aws_mwaa_environment" "this" {
  name               = local.name
  airflow_version    = "2.10.3"
  environment_class  = "mw1.small"
  execution_role_arn = aws_iam_role.airflow.arn
  source_bucket_arn  = aws_s3_bucket.airflow.arn
  dag_s3_path        = "dags/"

  requirements_s3_path           = "requirements.txt"
  requirements_s3_object_version = aws_s3_object.requirements.version_id

  min_workers = 1
  max_workers = 50

  network_configuration {
    security_group_ids = [aws_security_group.airflow.id]
    subnet_ids = [
      aws_subnet.private.id,
      aws_subnet.public.id,
    ]
  }

  logging_configuration {
    scheduler_logs {
      enabled   = true
      log_level = "WARNING"
    }

    task_logs {
      enabled   = true
      log_level = "INFO"
    }
  }

  depends_on = [aws_cloudwatch_log_group.task]
}
