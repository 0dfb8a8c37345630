output "arn" {
  description = "ARN of the execution role"
  value       = aws_iam_role.this.arn
}

output "name" {
  description = "Name of the execution role"
  value       = aws_iam_role.this.name
}
