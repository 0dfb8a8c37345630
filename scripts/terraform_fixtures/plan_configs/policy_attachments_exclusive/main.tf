locals {
  # the account this is planned for (data "aws_caller_identity" would call STS at plan time)
  account_id = "111122223333"
}

resource "aws_s3_bucket" "airflow" {
  bucket = "${var.name}-airflow-${local.account_id}"
}

resource "aws_s3_bucket_versioning" "airflow" {
  bucket = aws_s3_bucket.airflow.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "airflow" {
  bucket = aws_s3_bucket.airflow.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_cloudwatch_log_group" "task" {
  name              = "airflow-${var.name}-Task"
  retention_in_days = 14
}

resource "aws_cloudwatch_log_group" "worker" {
  name              = "airflow-${var.name}-Worker"
  retention_in_days = 14
}

resource "aws_mwaa_environment" "this" {
  name               = var.name
  airflow_version    = "2.10.3"
  environment_class  = "mw1.large"
  execution_role_arn = aws_iam_role.mwaa.arn
  source_bucket_arn  = aws_s3_bucket.airflow.arn
  dag_s3_path        = "dags/"
  min_workers        = 2
  max_workers        = 20

  network_configuration {
    security_group_ids = [var.security_group_id]
    subnet_ids         = var.subnet_ids
  }

  logging_configuration {
    task_logs {
      enabled   = true
      log_level = "INFO"
    }

    worker_logs {
      enabled   = true
      log_level = "WARNING"
    }
  }
}
