locals {
  name   = "pricing-ml"
  region = "eu-north-1"
  # the account this is planned for (data "aws_caller_identity" would call STS at plan time)
  account_id = "111122223333"
}

resource "aws_s3_bucket" "airflow" {
  bucket = "${local.name}-airflow-${local.account_id}"
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
  name              = "airflow-${local.name}-Task"
  retention_in_days = 30
}

resource "aws_mwaa_environment" "this" {
  name               = local.name
  airflow_version    = "2.10.3"
  environment_class  = "mw1.medium"
  execution_role_arn = aws_iam_role.mwaa.arn
  source_bucket_arn  = aws_s3_bucket.airflow.arn
  dag_s3_path        = "dags/"
  min_workers        = 1
  max_workers        = 8

  network_configuration {
    security_group_ids = ["sg-0c0ffee0c0ffee000"]
    subnet_ids         = ["subnet-0c0ffee0c0ffee001", "subnet-0c0ffee0c0ffee002"]
  }

  depends_on = [aws_cloudwatch_log_group.task]
}
