resource "aws_cloudwatch_log_group" "task" {
  name              = "airflow-${var.name}-Task"
  retention_in_days = 30
}

resource "aws_mwaa_environment" "this" {
  name                           = var.name
  airflow_version                = "2.10.3"
  environment_class              = "mw1.small"
  execution_role_arn             = var.execution_role_arn
  source_bucket_arn              = var.source_bucket_arn
  dag_s3_path                    = "dags/"
  requirements_s3_path           = var.requirements_s3_path
  requirements_s3_object_version = var.requirements_s3_object_version
  webserver_access_mode          = "PRIVATE_ONLY"

  logging_configuration {
    task_logs {
      enabled   = true
      log_level = "INFO"
    }
  }

  network_configuration {
    security_group_ids = ["sg-0c0ffee0c0ffee000"]
    subnet_ids         = ["subnet-0c0ffee0c0ffee001", "subnet-0c0ffee0c0ffee002"]
  }

  depends_on = [aws_cloudwatch_log_group.task]
}
