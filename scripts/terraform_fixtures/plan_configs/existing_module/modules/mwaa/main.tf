# The MWAA environment of the platform team, called by the root (../../main.tf).

locals {
  azs = ["${var.region}a", "${var.region}b"]

  tags = {
    Team      = "data-platform"
    ManagedBy = "terraform"
  }
}

resource "aws_vpc" "mwaa" {
  cidr_block           = var.vpc_cidr
  enable_dns_hostnames = true
  tags                 = merge(local.tags, { Name = "mwaa" })
}

resource "aws_subnet" "private" {
  count = 2

  vpc_id            = aws_vpc.mwaa.id
  cidr_block        = cidrsubnet(var.vpc_cidr, 8, count.index + 1)
  availability_zone = local.azs[count.index]
  tags              = merge(local.tags, { Name = "mwaa-private-${local.azs[count.index]}" })
}

resource "aws_security_group" "mwaa" {
  name        = "mwaa-environment"
  description = "MWAA environment"
  vpc_id      = aws_vpc.mwaa.id

  ingress {
    description = "MWAA components talk to each other"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    self        = true
  }

  egress {
    description = "AWS APIs"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = local.tags
}

resource "aws_iam_role" "execution" {
  name = "mwaa-execution"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = ["airflow.amazonaws.com", "airflow-env.amazonaws.com"] }
    }]
  })

  tags = local.tags
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
        Resource = [var.source_bucket_arn, "${var.source_bucket_arn}/*"]
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

  source_bucket_arn = var.source_bucket_arn
  dag_s3_path       = "dags/analytics/"

  network_configuration {
    security_group_ids = [aws_security_group.mwaa.id]
    subnet_ids         = aws_subnet.private[*].id
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
