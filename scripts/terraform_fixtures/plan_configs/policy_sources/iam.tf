# The execution policy is assembled from three documents:
#   base (ours) + the observability team's JSON as sources,
#   the security team's overrides on top (same sid = replaced statement).

data "aws_iam_policy_document" "base" {
  statement {
    sid       = "SourceBucket"
    actions   = ["s3:GetObject*", "s3:GetBucket*", "s3:List*"]
    resources = [aws_s3_bucket.airflow.arn, "${aws_s3_bucket.airflow.arn}/*"]
  }

  # Replaced by the security team's "AirflowLogs" statement below.
  statement {
    sid       = "AirflowLogs"
    actions   = ["logs:*"]
    resources = ["*"]
  }

  statement {
    sid       = "Describe"
    actions   = ["logs:DescribeLogGroups", "s3:GetAccountPublicAccessBlock"]
    resources = ["*"]
  }

  statement {
    sid = "Celery"
    actions = [
      "sqs:ChangeMessageVisibility",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
      "sqs:ReceiveMessage",
      "sqs:SendMessage",
    ]
    resources = ["arn:aws:sqs:${local.region}:*:airflow-celery-*"]
  }
  statement {
    actions       = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Encrypt"]
    not_resources = ["arn:aws:kms:*:111122223333:key/*"]
    condition {
      test     = "StringLike"
      variable = "kms:ViaService"
      values   = ["sqs.${local.region}.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "security_overrides" {
  statement {
    sid = "AirflowLogs"
    actions = [
      "logs:CreateLogStream",
      "logs:CreateLogGroup",
      "logs:PutLogEvents",
      "logs:GetLogEvents",
      "logs:GetLogRecord",
      "logs:GetLogGroupFields",
      "logs:GetQueryResults",
    ]
    resources = ["arn:aws:logs:${local.region}:${local.account_id}:log-group:airflow-${local.name}-*"]
  }
}

data "aws_iam_policy_document" "execution" {
  source_policy_documents = [
    data.aws_iam_policy_document.base.json,
    local.observability_policy_json,
  ]

  override_policy_documents = [
    data.aws_iam_policy_document.security_overrides.json,
  ]

  statement {
    sid       = "PublishMetrics"
    actions   = ["airflow:PublishMetrics"]
    resources = ["arn:aws:airflow:${local.region}:${local.account_id}:environment/${local.name}"]
  }
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

resource "aws_iam_role" "mwaa" {
  name               = "${local.name}-mwaa"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_policy" "execution" {
  name   = "${local.name}-mwaa-execution"
  policy = data.aws_iam_policy_document.execution.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.mwaa.name
  policy_arn = aws_iam_policy.execution.arn
}
