# Published by the observability team and merged into every execution role
# so that DAGs can emit custom metrics and alarms.
locals {
  observability_policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "CustomMetrics"
        Effect   = "Allow"
        Action   = ["cloudwatch:*"]
        Resource = "*"
      },
    ]
  })
}
