locals {
  execution_role_arn = var.create_iam_role ? module.execution_role[0].arn : var.execution_role_arn
  security_group_ids = var.create_security_group ? concat([aws_security_group.mwaa[0].id], var.security_group_ids) : var.security_group_ids

  default_airflow_configuration_options = {
    "logging.logging_level" = "INFO"
  }
}

resource "aws_mwaa_environment" "mwaa" {
  name              = var.name
  airflow_version   = var.airflow_version
  environment_class = var.environment_class
  min_workers       = var.min_workers
  max_workers       = var.max_workers
  kms_key           = var.kms_key

  execution_role_arn    = local.execution_role_arn
  webserver_access_mode = var.webserver_access_mode

  source_bucket_arn    = var.source_bucket_arn
  dag_s3_path          = var.dag_s3_path
  requirements_s3_path = var.requirements_s3_path
  plugins_s3_path      = var.plugins_s3_path

  weekly_maintenance_window_start = var.weekly_maintenance_window_start
  airflow_configuration_options   = merge(local.default_airflow_configuration_options, var.airflow_configuration_options)

  network_configuration {
    security_group_ids = local.security_group_ids
    subnet_ids         = var.private_subnet_ids
  }

  logging_configuration {
    dag_processing_logs {
      enabled   = var.logging_configuration.dag_processing_logs.enabled
      log_level = var.logging_configuration.dag_processing_logs.log_level
    }
    scheduler_logs {
      enabled   = var.logging_configuration.scheduler_logs.enabled
      log_level = var.logging_configuration.scheduler_logs.log_level
    }
    task_logs {
      enabled   = var.logging_configuration.task_logs.enabled
      log_level = var.logging_configuration.task_logs.log_level
    }
    webserver_logs {
      enabled   = var.logging_configuration.webserver_logs.enabled
      log_level = var.logging_configuration.webserver_logs.log_level
    }
    worker_logs {
      enabled   = var.logging_configuration.worker_logs.enabled
      log_level = var.logging_configuration.worker_logs.log_level
    }
  }

  tags = var.tags
}

module "execution_role" {
  count  = var.create_iam_role ? 1 : 0
  source = "./modules/execution-role"

  name              = coalesce(var.iam_role_name, "${var.name}-execution-role")
  environment_name  = var.name
  source_bucket_arn = var.source_bucket_arn
  kms_key           = var.kms_key
  tags              = var.tags
}

resource "aws_security_group" "mwaa" {
  count = var.create_security_group ? 1 : 0

  name_prefix = "${var.name}-"
  description = "Amazon MWAA environment ${var.name}"
  vpc_id      = var.vpc_id
  tags        = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "self" {
  count = var.create_security_group ? 1 : 0

  security_group_id            = aws_security_group.mwaa[0].id
  referenced_security_group_id = aws_security_group.mwaa[0].id
  ip_protocol                  = "-1"
  description                  = "MWAA components talk to each other"
}

resource "aws_vpc_security_group_ingress_rule" "webserver" {
  for_each = var.create_security_group ? toset(var.source_cidr) : toset([])

  security_group_id = aws_security_group.mwaa[0].id
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  description       = "Airflow web server"
}

resource "aws_vpc_security_group_egress_rule" "all" {
  count = var.create_security_group ? 1 : 0

  security_group_id = aws_security_group.mwaa[0].id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
  description       = "Outbound to AWS services and PyPI"
}
