locals {
  bucket_name = "acme-${var.environment_name}-airflow-${var.region}"

  tags = {
    Team      = "data-platform"
    ManagedBy = "terraform"
  }
}

module "network" {
  source = "./modules/network"

  name                 = var.environment_name
  vpc_id               = var.vpc_id
  private_subnet_cidrs = var.private_subnet_cidrs
  availability_zones   = var.availability_zones
  nat_gateway_id       = var.nat_gateway_id
  tags                 = local.tags
}

resource "aws_s3_bucket" "source" {
  bucket = local.bucket_name
  tags   = local.tags
}

resource "aws_s3_bucket_versioning" "source" {
  bucket = aws_s3_bucket.source.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "source" {
  bucket                  = aws_s3_bucket.source.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["airflow.amazonaws.com", "airflow-env.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.environment_name}-mwaa-execution"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy" "execution" {
  name = "mwaa-execution"
  role = aws_iam_role.execution.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "airflow:PublishMetrics"
        Resource = "arn:aws:airflow:${var.region}:*:environment/${var.environment_name}"
      },
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject*", "s3:GetBucket*", "s3:List*"]
        Resource = [aws_s3_bucket.source.arn, "${aws_s3_bucket.source.arn}/*"]
      },
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:PutLogEvents", "logs:GetLogEvents", "logs:GetLogRecord", "logs:GetLogGroupFields", "logs:GetQueryResults"]
        Resource = "arn:aws:logs:${var.region}:*:log-group:airflow-${var.environment_name}-*"
      },
      {
        Effect   = "Allow"
        Action   = ["logs:DescribeLogGroups", "cloudwatch:PutMetricData", "s3:GetAccountPublicAccessBlock"]
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:SendMessage"]
        Resource = "arn:aws:sqs:${var.region}:*:airflow-celery-*"
      },
    ]
  })
}

resource "aws_mwaa_environment" "this" {
  name               = var.environment_name
  airflow_version    = var.airflow_version
  environment_class  = "mw1.small"
  max_workers        = 5
  execution_role_arn = aws_iam_role.execution.arn

  source_bucket_arn    = aws_s3_bucket.source.arn
  dag_s3_path          = "dags/"
  requirements_s3_path = "requirements.txt"

  webserver_access_mode = var.webserver_access_mode

  airflow_configuration_options = {
    "smtp.smtp_host"      = "smtp.example.com"
    "smtp.smtp_user"      = "airflow-alerts"
    "smtp.smtp_password"  = var.smtp_password
    "smtp.smtp_mail_from" = "airflow@example.com"
  }

  network_configuration {
    security_group_ids = [module.network.security_group_id]
    subnet_ids         = module.network.private_subnet_ids
  }

  logging_configuration {
    task_logs {
      enabled   = true
      log_level = "INFO"
    }
  }

  tags = local.tags

  depends_on = [aws_iam_role_policy.execution]
}
