output "mwaa_arn" {
  description = "ARN of the MWAA environment"
  value       = aws_mwaa_environment.mwaa.arn
}

output "mwaa_webserver_url" {
  description = "URL of the Airflow web server"
  value       = aws_mwaa_environment.mwaa.webserver_url
}

output "mwaa_role_arn" {
  description = "ARN of the execution role"
  value       = local.execution_role_arn
}

output "mwaa_security_group_id" {
  description = "ID of the security group the module created"
  value       = try(aws_security_group.mwaa[0].id, null)
}
