# The execution role owns its attachments exclusively: anything attached
# outside this list is detached on the next apply (provider v5.72+).

resource "aws_iam_role" "mwaa" {
  name = "${var.name}-mwaa-execution"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Principal = {
          Service = ["airflow.amazonaws.com", "airflow-env.amazonaws.com"]
        }
        Action = "sts:AssumeRole"
      },
    ]
  })
}

resource "aws_iam_policy" "stream_ingest" {
  name        = "${var.name}-stream-ingest"
  description = "DAGs that replay click streams into the lake"

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Streams"
        Effect   = "Allow"
        Action   = ["kinesis:*"]
        Resource = "arn:aws:kinesis:eu-west-1:111122223333:stream/clicks-*"
      },
    ]
  })
}

resource "aws_iam_role_policy_attachments_exclusive" "mwaa" {
  role_name = aws_iam_role.mwaa.name
  policy_arns = [
    aws_iam_policy.stream_ingest.arn,
    "arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess",
  ]
}
