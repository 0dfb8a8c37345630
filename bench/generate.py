"""Write a synthetic Terraform monorepo for the benchmark (see bench/README.md).

    python bench/generate.py OUT [--scale N] [--irrelevant-scale N] [--mwaa-scale N] [--seed S]

At scale 1 the tree has about 2,000 .tf files in 300 directories:

* the irrelevant part: 19 "platform groups", each with 10 reusable modules (VPC, IAM, S3, ECS,
  RDS, Lambda, SQS, SNS, DynamoDB, KMS) and 5 live roots that call them -- no MWAA at all;
* the MWAA part: 10 stacks, each an aws_mwaa_environment with its execution role and policies,
  VPC, private subnets, route tables, log groups, source bucket and an aws_s3_object uploading
  a requirements.txt; every third stack calls a local ./modules/mwaa module instead. Some
  stacks carry a deliberate problem so that mwaa-lint has findings.

--irrelevant-scale multiplies the groups, --mwaa-scale the stacks (--scale sets both).
--partial adds what a real monorepo's CI checkout has besides (write_partial()): a platform
group whose two live roots call a module from a directory that is not checked out, and an
MWAA stack whose inputs come from three variable files (one of 400 lines).
Everything is derived from the seed and the unit's index, so a larger tree contains the
smaller one file for file: the difference between two scales is only the added units.
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

GROUPS_PER_SCALE = 19
STACKS_PER_SCALE = 10
ENVS = ["dev", "staging", "prod", "shared", "sandbox"]
TEAMS = ["payments", "search", "identity", "ledger", "growth", "risk", "catalog", "billing",
         "fulfilment", "media", "notifications", "reporting", "pricing", "support", "platform"]


def fill(template: str, **values) -> str:
    """Replace @key@ placeholders (HCL itself never uses '@')."""
    for key, value in values.items():
        template = template.replace(f"@{key}@", str(value))
    assert "@" not in template.replace("@example.com", ""), template
    return template.lstrip("\n")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- shared snippets -------------------------------------------------------------------------

VERSIONS = """
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> @aws@"
    }
  }
}
"""

COMMON_VARIABLES = """
variable "name" {
  description = "Name prefix for every resource of this module."
  type        = string
}

variable "environment" {
  description = "Deployment environment (dev, staging, prod, ...)."
  type        = string
  default     = "dev"
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
"""

LOCALS = """
locals {
  name_prefix = "${var.name}-${var.environment}"
  is_prod     = var.environment == "prod"

  common_tags = merge(var.tags, {
    Module      = "@kind@"
    Environment = var.environment
    ManagedBy   = "terraform"
    CostCenter  = "@cost@"
  })
}
"""


def variable(name: str, type_: str, default: str, description: str) -> str:
    return f'\nvariable "{name}" {{\n  description = "{description}"\n  type        = {type_}\n  default     = {default}\n}}\n'


# --- irrelevant modules: one function per kind, returning {file name: text} -------------------

def vpc_module(rng: random.Random) -> dict:
    octet = rng.randint(10, 250)
    return {
        "variables.tf": COMMON_VARIABLES
        + variable("cidr_block", "string", f'"10.{octet}.0.0/16"', "CIDR block of the VPC.")
        + variable("az_count", "number", str(rng.choice([2, 3])), "Availability Zones to span.")
        + variable("single_nat_gateway", "bool", "true", "One NAT gateway for all private subnets."),
        "main.tf": fill("""
data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(local.common_tags, { Name = local.name_prefix })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = local.common_tags
}

resource "aws_subnet" "public" {
  count                   = var.az_count
  vpc_id                  = aws_vpc.this.id
  cidr_block              = cidrsubnet(var.cidr_block, 8, count.index)
  availability_zone       = data.aws_availability_zones.available.names[count.index]
  map_public_ip_on_launch = true
  tags                    = merge(local.common_tags, { Name = "${local.name_prefix}-public-${count.index}", Tier = "public" })
}

resource "aws_subnet" "private" {
  count             = var.az_count
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr_block, 8, count.index + @offset@)
  availability_zone = data.aws_availability_zones.available.names[count.index]
  tags              = merge(local.common_tags, { Name = "${local.name_prefix}-private-${count.index}", Tier = "private" })
}

resource "aws_eip" "nat" {
  count  = var.single_nat_gateway ? 1 : var.az_count
  domain = "vpc"
  tags   = local.common_tags
}

resource "aws_nat_gateway" "this" {
  count         = var.single_nat_gateway ? 1 : var.az_count
  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id
  tags          = local.common_tags
}
""", offset=rng.choice([10, 20, 100])),
        "routes.tf": """
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }

  tags = merge(local.common_tags, { Name = "${local.name_prefix}-public" })
}

resource "aws_route_table_association" "public" {
  count          = var.az_count
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private" {
  count  = var.az_count
  vpc_id = aws_vpc.this.id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.this[var.single_nat_gateway ? 0 : count.index].id
  }

  tags = merge(local.common_tags, { Name = "${local.name_prefix}-private-${count.index}" })
}

resource "aws_route_table_association" "private" {
  count          = var.az_count
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}
""",
        "flow_logs.tf": fill("""
resource "aws_cloudwatch_log_group" "flow" {
  name              = "/vpc/${local.name_prefix}/flow-logs"
  retention_in_days = @retention@
  tags              = local.common_tags
}

resource "aws_iam_role" "flow" {
  name = "${local.name_prefix}-flow-logs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "flow" {
  name = "flow-logs"
  role = aws_iam_role.flow.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = "${aws_cloudwatch_log_group.flow.arn}:*"
    }]
  })
}

resource "aws_flow_log" "this" {
  vpc_id          = aws_vpc.this.id
  traffic_type    = "ALL"
  iam_role_arn    = aws_iam_role.flow.arn
  log_destination = aws_cloudwatch_log_group.flow.arn
}
""", retention=rng.choice([14, 30, 90, 365])),
        "endpoints.tf": """
resource "aws_vpc_endpoint" "gateway" {
  for_each          = toset(["s3", "dynamodb"])
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${data.aws_availability_zones.available.id}.${each.key}"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.private[*].id
  tags              = local.common_tags
}

resource "aws_vpc_endpoint" "interface" {
  for_each            = local.is_prod ? toset(["ecr.api", "ecr.dkr", "logs", "sts"]) : toset([])
  vpc_id              = aws_vpc.this.id
  service_name        = "com.amazonaws.us-east-1.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.private[*].id
  private_dns_enabled = true
}
""",
        "outputs.tf": """
output "vpc_id" {
  value = aws_vpc.this.id
}

output "private_subnet_ids" {
  value = aws_subnet.private[*].id
}

output "public_subnet_ids" {
  value = aws_subnet.public[*].id
}
""",
    }


def iam_module(rng: random.Random) -> dict:
    services = rng.sample(["ec2", "ecs-tasks", "lambda", "states", "glue", "codebuild", "batch"], 3)
    roles = "\n".join(f'    {s.replace("-", "_")} = "{s}.amazonaws.com"' for s in services)
    return {
        "variables.tf": COMMON_VARIABLES
        + variable("service_roles", "map(string)", "{\n" + roles + "\n  }", "Role name => service principal.")
        + variable("managed_policy_arns", "list(string)",
                   '["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"]',
                   "Managed policies attached to every role.")
        + variable("permissions_boundary", "string", "null", "Optional permissions boundary."),
        "main.tf": """
data "aws_iam_policy_document" "assume" {
  for_each = var.service_roles

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = [each.value]
    }
  }
}

resource "aws_iam_role" "this" {
  for_each             = var.service_roles
  name                 = "${local.name_prefix}-${each.key}"
  assume_role_policy   = data.aws_iam_policy_document.assume[each.key].json
  permissions_boundary = var.permissions_boundary
  tags                 = local.common_tags
}

resource "aws_iam_role_policy_attachment" "managed" {
  for_each = {
    for pair in setproduct(keys(var.service_roles), var.managed_policy_arns) :
    "${pair[0]}-${basename(pair[1])}" => { role = pair[0], arn = pair[1] }
  }
  role       = aws_iam_role.this[each.value.role].name
  policy_arn = each.value.arn
}
""",
        "policies.tf": fill("""
data "aws_caller_identity" "current" {}

resource "aws_iam_policy" "ssm_read" {
  name        = "${local.name_prefix}-ssm-read"
  description = "Read the team's SSM parameters."
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadParameters"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
        Resource = "arn:aws:ssm:*:${data.aws_caller_identity.current.account_id}:parameter/@team@/*"
      },
      {
        Sid      = "Decrypt"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = "*"
        Condition = {
          StringEquals = { "kms:ViaService" = "ssm.@region@.amazonaws.com" }
        }
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "ssm_read" {
  for_each   = aws_iam_role.this
  role       = each.value.name
  policy_arn = aws_iam_policy.ssm_read.arn
}

resource "aws_iam_role_policy" "inline" {
  for_each = aws_iam_role.this
  name     = "inline-${each.key}"
  role     = each.value.id
  policy   = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
          "Resource": "*"
        }
      ]
    }
  EOT
}
""", team=rng.choice(TEAMS), region=rng.choice(["us-east-1", "eu-west-1", "eu-central-1"])),
        "groups.tf": """
resource "aws_iam_group" "developers" {
  name = "${local.name_prefix}-developers"
}

resource "aws_iam_group_policy" "developers" {
  name  = "assume-team-roles"
  group = aws_iam_group.developers.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = values(aws_iam_role.this)[*].arn
      Condition = {
        Bool = { "aws:MultiFactorAuthPresent" = "true" }
      }
    }]
  })
}
""",
        "outputs.tf": """
output "role_arns" {
  value = { for k, r in aws_iam_role.this : k => r.arn }
}

output "role_names" {
  value = [for r in aws_iam_role.this : r.name]
}
""",
    }


def s3_module(rng: random.Random) -> dict:
    buckets = rng.sample(["raw", "curated", "exports", "artifacts", "backups", "logs", "assets"], rng.randint(2, 4))
    return {
        "variables.tf": COMMON_VARIABLES
        + variable("buckets", "set(string)", "[" + ", ".join(f'"{b}"' for b in buckets) + "]", "Bucket suffixes.")
        + variable("expire_after_days", "number", str(rng.choice([30, 90, 365])), "Expire noncurrent versions.")
        + variable("kms_key_arn", "string", "null", "KMS key for SSE-KMS; AES256 if null."),
        "main.tf": """
resource "aws_s3_bucket" "this" {
  for_each      = var.buckets
  bucket        = "${local.name_prefix}-${each.key}"
  force_destroy = !local.is_prod
  tags          = merge(local.common_tags, { Purpose = each.key })
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each                = aws_s3_bucket.this
  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
""",
        "lifecycle.tf": """
resource "aws_s3_bucket_lifecycle_configuration" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id

  rule {
    id     = "expire-noncurrent"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.expire_after_days
    }
  }

  dynamic "rule" {
    for_each = each.key == "logs" ? [1] : []
    content {
      id     = "expire-logs"
      status = "Enabled"

      filter {
        prefix = "logs/"
      }

      expiration {
        days = 30
      }
    }
  }
}
""",
        "policy.tf": """
data "aws_iam_policy_document" "tls_only" {
  for_each = aws_s3_bucket.this

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      each.value.arn,
      "${each.value.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id
  policy   = data.aws_iam_policy_document.tls_only[each.key].json
}
""",
        "outputs.tf": """
output "bucket_arns" {
  value = { for k, b in aws_s3_bucket.this : k => b.arn }
}

output "bucket_ids" {
  value = values(aws_s3_bucket.this)[*].id
}
""",
    }


def ecs_module(rng: random.Random) -> dict:
    port = rng.choice([8080, 8000, 3000, 9000])
    return {
        "variables.tf": COMMON_VARIABLES
        + variable("vpc_id", "string", "null", "VPC of the service.")
        + variable("subnet_ids", "list(string)", "[]", "Private subnets for the tasks.")
        + variable("image", "string", f'"public.ecr.aws/nginx/nginx:1.{rng.randint(20, 27)}"', "Container image.")
        + variable("desired_count", "number", str(rng.randint(1, 6)), "Tasks to run.")
        + variable("cpu", "number", str(rng.choice([256, 512, 1024])), "Task CPU units.")
        + variable("memory", "number", str(rng.choice([512, 1024, 2048])), "Task memory (MiB).")
        + variable("environment_variables", "map(string)", '{\n    LOG_LEVEL = "info"\n    PORT      = "' + str(port) + '"\n  }',
                   "Plain environment variables of the container."),
        "main.tf": fill("""
resource "aws_ecs_cluster" "this" {
  name = local.name_prefix

  setting {
    name  = "containerInsights"
    value = local.is_prod ? "enabled" : "disabled"
  }

  tags = local.common_tags
}

resource "aws_ecs_task_definition" "this" {
  family                   = local.name_prefix
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  container_definitions = jsonencode([
    {
      name      = "app"
      image     = var.image
      essential = true
      portMappings = [{ containerPort = @port@, protocol = "tcp" }]
      environment = [for k, v in var.environment_variables : { name = k, value = v }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          "awslogs-group"         = aws_cloudwatch_log_group.app.name
          "awslogs-region"        = "us-east-1"
          "awslogs-stream-prefix" = "app"
        }
      }
    }
  ])

  tags = local.common_tags
}

resource "aws_ecs_service" "this" {
  name            = local.name_prefix
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = var.desired_count
  launch_type     = "FARGATE"

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.service.id]
    assign_public_ip = false
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  tags = local.common_tags
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/${local.name_prefix}"
  retention_in_days = @retention@
}
""", port=port, retention=rng.choice([7, 14, 30])),
        "iam.tf": """
resource "aws_iam_role" "execution" {
  name = "${local.name_prefix}-execution"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role" "task" {
  name               = "${local.name_prefix}-task"
  assume_role_policy = aws_iam_role.execution.assume_role_policy
}

resource "aws_iam_role_policy" "task" {
  name = "task"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = "arn:aws:s3:::${local.name_prefix}-data/*"
      },
      {
        Effect   = "Allow"
        Action   = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]
        Resource = "arn:aws:sqs:*:*:${local.name_prefix}-*"
      },
    ]
  })
}
""",
        "security.tf": fill("""
resource "aws_security_group" "service" {
  name        = "${local.name_prefix}-service"
  description = "ECS service ${local.name_prefix}"
  vpc_id      = var.vpc_id

  ingress {
    description = "app port from the VPC"
    from_port   = @port@
    to_port     = @port@
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = local.common_tags
}

resource "aws_appautoscaling_target" "this" {
  max_capacity       = var.desired_count * 4
  min_capacity       = var.desired_count
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  service_namespace  = "ecs"
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${local.name_prefix}-cpu"
  policy_type        = "TargetTrackingScaling"
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension
  service_namespace  = aws_appautoscaling_target.this.service_namespace

  target_tracking_scaling_policy_configuration {
    target_value = @target@

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
""", port=port, target=rng.choice([50, 60, 70])),
        "alb.tf": fill("""
resource "aws_lb_target_group" "this" {
  name        = substr(local.name_prefix, 0, 32)
  port        = @port@
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = var.vpc_id

  health_check {
    path                = "/healthz"
    healthy_threshold   = 2
    unhealthy_threshold = 3
    matcher             = "200-299"
  }
}

resource "aws_cloudwatch_metric_alarm" "unhealthy" {
  alarm_name          = "${local.name_prefix}-unhealthy-hosts"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 2
  metric_name         = "UnHealthyHostCount"
  namespace           = "AWS/ApplicationELB"
  period              = 60
  statistic           = "Maximum"
  threshold           = 0
  dimensions = {
    TargetGroup = aws_lb_target_group.this.arn_suffix
  }
}
""", port=port),
        "outputs.tf": """
output "cluster_arn" {
  value = aws_ecs_cluster.this.arn
}

output "service_name" {
  value = aws_ecs_service.this.name
}

output "security_group_id" {
  value = aws_security_group.service.id
}
""",
    }


def rds_module(rng: random.Random) -> dict:
    engine, version, port, family = rng.choice([("postgres", "16.3", 5432, "postgres16"),
                                                 ("mysql", "8.0.36", 3306, "mysql8.0")])
    return {
        "variables.tf": COMMON_VARIABLES
        + variable("vpc_id", "string", "null", "VPC of the database.")
        + variable("subnet_ids", "list(string)", "[]", "Subnets for the DB subnet group.")
        + variable("instance_class", "string", f'"{rng.choice(["db.t4g.medium", "db.r6g.large", "db.m6g.large"])}"', "Instance class.")
        + variable("allocated_storage", "number", str(rng.choice([20, 50, 100, 200])), "Storage (GiB).")
        + variable("parameters", "map(string)", '{\n    log_min_duration_statement = "500"\n    max_connections            = "200"\n  }',
                   "DB parameter group settings."),
        "main.tf": fill("""
resource "aws_db_subnet_group" "this" {
  name       = local.name_prefix
  subnet_ids = var.subnet_ids
  tags       = local.common_tags
}

resource "aws_db_parameter_group" "this" {
  name   = local.name_prefix
  family = "@family@"

  dynamic "parameter" {
    for_each = var.parameters
    content {
      name  = parameter.key
      value = parameter.value
    }
  }
}

resource "aws_db_instance" "this" {
  identifier                  = local.name_prefix
  engine                      = "@engine@"
  engine_version              = "@version@"
  instance_class              = var.instance_class
  allocated_storage           = var.allocated_storage
  max_allocated_storage       = var.allocated_storage * 4
  storage_encrypted           = true
  kms_key_id                  = aws_kms_key.db.arn
  db_subnet_group_name        = aws_db_subnet_group.this.name
  parameter_group_name        = aws_db_parameter_group.this.name
  vpc_security_group_ids      = [aws_security_group.db.id]
  username                    = "app"
  manage_master_user_password = true
  multi_az                    = local.is_prod
  backup_retention_period     = local.is_prod ? 14 : 1
  deletion_protection         = local.is_prod
  skip_final_snapshot         = !local.is_prod
  tags                        = local.common_tags
}
""", family=family, engine=engine, version=version),
        "security.tf": fill("""
resource "aws_security_group" "db" {
  name   = "${local.name_prefix}-db"
  vpc_id = var.vpc_id

  ingress {
    from_port   = @port@
    to_port     = @port@
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }

  tags = local.common_tags
}

resource "aws_kms_key" "db" {
  description             = "${local.name_prefix} database"
  deletion_window_in_days = 30
  enable_key_rotation     = true
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name          = "${local.name_prefix}-cpu"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  metric_name         = "CPUUtilization"
  namespace           = "AWS/RDS"
  period              = 300
  statistic           = "Average"
  threshold           = @threshold@
  dimensions = {
    DBInstanceIdentifier = aws_db_instance.this.identifier
  }
}
""", port=port, threshold=rng.choice([70, 80, 90])),
        "secrets.tf": """
resource "aws_secretsmanager_secret" "app" {
  name       = "${local.name_prefix}/app-credentials"
  kms_key_id = aws_kms_key.db.arn
  tags       = local.common_tags
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  secret_string = jsonencode({
    host     = aws_db_instance.this.address
    port     = aws_db_instance.this.port
    database = replace(var.name, "-", "_")
  })
}
""",
        "outputs.tf": """
output "endpoint" {
  value = aws_db_instance.this.endpoint
}

output "security_group_id" {
  value = aws_security_group.db.id
}
""",
    }


def lambda_module(rng: random.Random) -> dict:
    functions = rng.sample(["ingest", "transform", "notify", "cleanup", "report", "sync"], rng.randint(1, 3))
    body = ",\n".join(f'    {f} = {{ handler = "{f}.handler", memory = {rng.choice([128, 256, 512])}, '
                      f'timeout = {rng.choice([10, 30, 60])} }}' for f in functions)
    return {
        "variables.tf": COMMON_VARIABLES
        + variable("functions", "map(object({ handler = string, memory = number, timeout = number }))",
                   "{\n" + body + "\n  }", "Functions to deploy.")
        + variable("runtime", "string", f'"{rng.choice(["python3.12", "python3.11", "nodejs20.x"])}"', "Lambda runtime.")
        + variable("queue_arn", "string", "null", "SQS queue that triggers the functions."),
        "main.tf": """
resource "aws_lambda_function" "this" {
  for_each      = var.functions
  function_name = "${local.name_prefix}-${each.key}"
  role          = aws_iam_role.lambda.arn
  runtime       = var.runtime
  handler       = each.value.handler
  memory_size   = each.value.memory
  timeout       = each.value.timeout
  s3_bucket     = "${local.name_prefix}-artifacts"
  s3_key        = "lambda/${each.key}.zip"

  environment {
    variables = {
      ENVIRONMENT = var.environment
      FUNCTION    = each.key
    }
  }

  tracing_config {
    mode = "Active"
  }

  tags = local.common_tags
}

resource "aws_cloudwatch_log_group" "lambda" {
  for_each          = var.functions
  name              = "/aws/lambda/${local.name_prefix}-${each.key}"
  retention_in_days = local.is_prod ? 90 : 14
}

resource "aws_lambda_event_source_mapping" "queue" {
  for_each         = var.queue_arn == null ? {} : var.functions
  event_source_arn = var.queue_arn
  function_name    = aws_lambda_function.this[each.key].arn
  batch_size       = 10
}
""",
        "iam.tf": """
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "lambda" {
  name               = "${local.name_prefix}-lambda"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "lambda" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for g in aws_cloudwatch_log_group.lambda : "${g.arn}:*"]
  }

  dynamic "statement" {
    for_each = var.queue_arn == null ? [] : [var.queue_arn]
    content {
      actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "lambda" {
  name   = "lambda"
  role   = aws_iam_role.lambda.id
  policy = data.aws_iam_policy_document.lambda.json
}
""",
        "monitoring.tf": """
resource "aws_cloudwatch_metric_alarm" "errors" {
  for_each            = aws_lambda_function.this
  alarm_name          = "${local.name_prefix}-${each.key}-errors"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  metric_name         = "Errors"
  namespace           = "AWS/Lambda"
  period              = 300
  statistic           = "Sum"
  threshold           = 5
  treat_missing_data  = "notBreaching"
  dimensions = {
    FunctionName = each.value.function_name
  }
}
""",
        "outputs.tf": """
output "function_arns" {
  value = { for k, f in aws_lambda_function.this : k => f.arn }
}
""",
    }


def sqs_module(rng: random.Random) -> dict:
    queues = rng.sample(["orders", "events", "emails", "jobs", "webhooks", "audit"], rng.randint(2, 4))
    return {
        "variables.tf": COMMON_VARIABLES
        + variable("queues", "list(string)", "[" + ", ".join(f'"{q}"' for q in queues) + "]", "Queue names.")
        + variable("max_receive_count", "number", str(rng.choice([3, 5, 10])), "Receives before the DLQ.")
        + variable("visibility_timeout", "number", str(rng.choice([30, 60, 300])), "Visibility timeout (s)."),
        "main.tf": """
resource "aws_sqs_queue" "dlq" {
  for_each                  = toset(var.queues)
  name                      = "${local.name_prefix}-${each.key}-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = local.common_tags
}

resource "aws_sqs_queue" "this" {
  for_each                   = toset(var.queues)
  name                       = "${local.name_prefix}-${each.key}"
  visibility_timeout_seconds = var.visibility_timeout
  sqs_managed_sse_enabled    = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq[each.key].arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = local.common_tags
}

resource "aws_sqs_queue_policy" "this" {
  for_each  = aws_sqs_queue.this
  queue_url = each.value.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowSNS"
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = each.value.arn
    }]
  })
}
""",
        "alarms.tf": fill("""
resource "aws_cloudwatch_metric_alarm" "dlq_not_empty" {
  for_each            = aws_sqs_queue.dlq
  alarm_name          = "${each.value.name}-not-empty"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "ApproximateNumberOfMessagesVisible"
  namespace           = "AWS/SQS"
  period              = @period@
  statistic           = "Maximum"
  threshold           = 0
  dimensions = {
    QueueName = each.value.name
  }
}
""", period=rng.choice([60, 300])),
        "outputs.tf": """
output "queue_arns" {
  value = { for k, q in aws_sqs_queue.this : k => q.arn }
}

output "queue_urls" {
  value = [for q in aws_sqs_queue.this : q.id]
}
""",
    }


def sns_module(rng: random.Random) -> dict:
    topics = rng.sample(["alerts", "deployments", "billing", "incidents", "releases"], rng.randint(1, 3))
    return {
        "variables.tf": COMMON_VARIABLES
        + variable("topics", "set(string)", "[" + ", ".join(f'"{t}"' for t in topics) + "]", "Topic names.")
        + variable("email_subscribers", "list(string)", f'["{rng.choice(TEAMS)}-oncall@example.com"]', "E-mail endpoints."),
        "main.tf": """
resource "aws_sns_topic" "this" {
  for_each          = var.topics
  name              = "${local.name_prefix}-${each.key}"
  kms_master_key_id = "alias/aws/sns"
  tags              = local.common_tags
}

resource "aws_sns_topic_subscription" "email" {
  for_each = {
    for pair in setproduct(var.topics, var.email_subscribers) : "${pair[0]}/${pair[1]}" => pair
  }
  topic_arn = aws_sns_topic.this[each.value[0]].arn
  protocol  = "email"
  endpoint  = each.value[1]
}

data "aws_iam_policy_document" "publish" {
  for_each = aws_sns_topic.this

  statement {
    actions   = ["sns:Publish"]
    resources = [each.value.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "cloudwatch.amazonaws.com"]
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  for_each = aws_sns_topic.this
  arn      = each.value.arn
  policy   = data.aws_iam_policy_document.publish[each.key].json
}
""",
        "monitoring.tf": """
resource "aws_cloudwatch_metric_alarm" "failed" {
  for_each            = aws_sns_topic.this
  alarm_name          = "${local.name_prefix}-${each.key}-failed"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  metric_name         = "NumberOfNotificationsFailed"
  namespace           = "AWS/SNS"
  period              = 300
  statistic           = "Sum"
  threshold           = 5
  treat_missing_data  = "notBreaching"
  dimensions = {
    TopicName = each.value.name
  }
}
""",
        "outputs.tf": """
output "topic_arns" {
  value = { for k, t in aws_sns_topic.this : k => t.arn }
}
""",
    }


def dynamodb_module(rng: random.Random) -> dict:
    tables = rng.sample(["sessions", "orders", "carts", "profiles", "tokens", "locks"], rng.randint(1, 3))
    body = ",\n".join(f'    {t} = {{ hash_key = "{t[:-1]}_id", range_key = {rng.choice(["null", chr(34) + "created_at" + chr(34)])} }}'
                      for t in tables)
    return {
        "variables.tf": COMMON_VARIABLES
        + variable("tables", "map(object({ hash_key = string, range_key = string }))", "{\n" + body + "\n  }", "Tables.")
        + variable("point_in_time_recovery", "bool", "true", "Enable PITR."),
        "main.tf": """
resource "aws_dynamodb_table" "this" {
  for_each     = var.tables
  name         = "${local.name_prefix}-${each.key}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = each.value.hash_key
  range_key    = each.value.range_key

  attribute {
    name = each.value.hash_key
    type = "S"
  }

  dynamic "attribute" {
    for_each = each.value.range_key == null ? [] : [each.value.range_key]
    content {
      name = attribute.value
      type = "S"
    }
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled = true
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  tags = local.common_tags
}
""",
        "monitoring.tf": """
resource "aws_cloudwatch_metric_alarm" "throttles" {
  for_each            = aws_dynamodb_table.this
  alarm_name          = "${local.name_prefix}-${each.key}-throttles"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 3
  metric_name         = "ThrottledRequests"
  namespace           = "AWS/DynamoDB"
  period              = 300
  statistic           = "Sum"
  threshold           = 5
  treat_missing_data  = "notBreaching"
  dimensions = {
    TableName = each.value.name
  }
}
""",
        "outputs.tf": """
output "table_arns" {
  value = { for k, t in aws_dynamodb_table.this : k => t.arn }
}
""",
    }


def kms_module(rng: random.Random) -> dict:
    keys = rng.sample(["data", "logs", "secrets", "backups", "app"], rng.randint(1, 3))
    return {
        "variables.tf": COMMON_VARIABLES
        + variable("keys", "set(string)", "[" + ", ".join(f'"{k}"' for k in keys) + "]", "Key aliases.")
        + variable("admin_role_arns", "list(string)", "[]", "Roles that administer the keys."),
        "main.tf": """
data "aws_caller_identity" "current" {}

resource "aws_kms_key" "this" {
  for_each                = var.keys
  description             = "${local.name_prefix} ${each.key}"
  deletion_window_in_days = local.is_prod ? 30 : 7
  enable_key_rotation     = true

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid       = "RootAccount"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      }
      ], [for arn in var.admin_role_arns : {
        Sid       = "Admin${index(var.admin_role_arns, arn)}"
        Effect    = "Allow"
        Principal = { AWS = arn }
        Action    = ["kms:Describe*", "kms:Enable*", "kms:Disable*", "kms:ScheduleKeyDeletion"]
        Resource  = "*"
    }])
  })

  tags = local.common_tags
}

resource "aws_kms_alias" "this" {
  for_each      = aws_kms_key.this
  name          = "alias/${local.name_prefix}-${each.key}"
  target_key_id = each.value.key_id
}
""",
        "monitoring.tf": """
resource "aws_cloudwatch_event_rule" "key_deletion" {
  name        = "${local.name_prefix}-kms-key-deletion"
  description = "A KMS key of ${local.name_prefix} is scheduled for deletion"
  event_pattern = jsonencode({
    source        = ["aws.kms"]
    "detail-type" = ["AWS API Call via CloudTrail"]
    detail = {
      eventName = ["ScheduleKeyDeletion", "DisableKey"]
      requestParameters = {
        keyId = [for k in aws_kms_key.this : k.key_id]
      }
    }
  })
}
""",
        "outputs.tf": """
output "key_arns" {
  value = { for k, key in aws_kms_key.this : k => key.arn }
}
""",
    }


KINDS = {"vpc": vpc_module, "iam": iam_module, "s3": s3_module, "ecs": ecs_module, "rds": rds_module,
         "lambda": lambda_module, "sqs": sqs_module, "sns": sns_module, "dynamodb": dynamodb_module, "kms": kms_module}
NETWORKED = ("ecs", "rds")  # kinds that take vpc_id / subnet_ids from the vpc module


def live_root(rng: random.Random, group: str, team: str, env: str) -> dict:
    """A root module (one environment of a team) calling a few of the group's modules."""
    kinds = ["vpc"] + sorted(rng.sample([k for k in KINDS if k != "vpc"], rng.randint(2, 4)))
    calls = []
    for kind in kinds:
        args = [f'  source      = "../../modules/{kind}"', f'  name        = "{team}-{kind}"',
                "  environment = var.environment", "  tags        = local.tags"]
        if kind in NETWORKED:
            args += ["  vpc_id      = module.vpc.vpc_id", "  subnet_ids  = module.vpc.private_subnet_ids"]
        if kind == "vpc":
            args.append(f'  cidr_block  = "10.{rng.randint(0, 255)}.0.0/16"')
        calls.append(f'module "{kind}" {{\n' + "\n".join(args) + "\n}\n")
    if rng.random() < 0.3:  # a registry module: never fetched, its outputs are unknown
        calls.append('module "labels" {\n  source  = "cloudposse/label/null"\n  version = "0.25.0"\n'
                     f'  namespace = "{team}"\n  stage     = var.environment\n}}\n')
    return {
        "versions.tf": fill("""
terraform {
  required_version = ">= 1.5.0"

  backend "s3" {
    bucket         = "acme-terraform-state"
    key            = "@group@/@env@/terraform.tfstate"
    region         = "us-east-1"
    dynamodb_table = "terraform-locks"
    encrypt        = true
  }

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}
""", group=group, env=env),
        "providers.tf": fill("""
provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}
""", group=group, env=env),
        "variables.tf": variable("region", "string", '"us-east-1"', "AWS Region.")
        + variable("environment", "string", f'"{env}"', "Deployment environment.")
        + variable("owner", "string", f'"{team}"', "Owning team."),
        "locals.tf": fill("""
locals {
  tags = {
    Team        = var.owner
    Environment = var.environment
    Repository  = "acme/infrastructure"
    Path        = "@group@/live/@env@"
  }
}
""", group=group, env=env),
        "main.tf": "\n".join(calls),
        "outputs.tf": "".join(f'\noutput "{k}_module" {{\n  value = module.{k}\n  sensitive = true\n}}\n' for k in kinds[:2]),
        "terraform.tfvars": f'environment = "{env}"\nowner       = "{team}"\n',
    }


def write_group(root: Path, index: int, seed: int) -> None:
    rng = random.Random(f"{seed}-group-{index}")
    group = f"platform/group-{index:03d}"
    team = rng.choice(TEAMS)
    for kind, make in KINDS.items():
        files = make(rng)
        files["versions.tf"] = fill(VERSIONS, aws=rng.choice(["5.0", "5.40", "5.60"]))
        files["locals.tf"] = fill(LOCALS, kind=kind, cost=f"cc-{rng.randint(100, 999)}")
        for name, text in files.items():
            write(root / group / "modules" / kind / name, text)
    for env in ENVS:
        for name, text in live_root(rng, group, team, env).items():
            write(root / group / "live" / env / name, text)


# --- the MWAA part -----------------------------------------------------------------------------

# Stack number % 10 -> its deliberate problem (None: a clean stack); stacks 0, 3, 6, 9 use ./modules/mwaa.
PROBLEMS = {1: "wildcard-action", 2: "public-webserver", 3: "max-workers", 5: "no-retention",
            7: "unpinned", 8: "public-subnet"}
LOG_TYPES = ["dag_processing_logs", "scheduler_logs", "task_logs", "webserver_logs", "worker_logs"]

MWAA_NETWORK = """
data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_vpc" "airflow" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(local.tags, { Name = local.name })
}

resource "aws_internet_gateway" "airflow" {
  vpc_id = aws_vpc.airflow.id
}

resource "aws_subnet" "public" {
  count                   = 2
  vpc_id                  = aws_vpc.airflow.id
  cidr_block              = cidrsubnet(var.vpc_cidr, 8, count.index)
  availability_zone       = "${var.region}${local.azs[count.index]}"
  map_public_ip_on_launch = true
  tags                    = merge(local.tags, { Name = "${local.name}-public-${count.index}" })
}

resource "aws_subnet" "private" {
  for_each          = local.private_subnets
  vpc_id            = aws_vpc.airflow.id
  cidr_block        = each.value
  availability_zone = "${var.region}${each.key}"
  tags              = merge(local.tags, { Name = "${local.name}-private-${each.key}" })
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "airflow" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public[0].id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.airflow.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.airflow.id
  }
}

resource "aws_route_table_association" "public" {
  count          = 2
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.airflow.id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.airflow.id
  }
}

resource "aws_route_table_association" "private" {
  for_each       = aws_subnet.private
  subnet_id      = each.value.id
  route_table_id = aws_route_table.private.id
}
"""

MWAA_SECURITY = """
resource "aws_security_group" "airflow" {
  name        = "${local.name}-airflow"
  description = "MWAA ${local.name}: self-referencing, as MWAA requires"
  vpc_id      = @vpc_id@

  ingress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
    self      = true
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = local.tags
}
"""

MWAA_IAM = """
data "aws_caller_identity" "current" {}

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
  name               = "${local.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy" "execution" {
  name = "execution"
  role = aws_iam_role.execution.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "airflow:PublishMetrics"
        Resource = "arn:aws:airflow:${var.region}:${data.aws_caller_identity.current.account_id}:environment/${local.name}"
      },
      {
        Effect   = "Allow"
        Action   = [@s3_actions@]
        Resource = [@s3_resources@]
      },
      {
        Effect = "Allow"
        Action = [@logs_actions@]
        Resource = [
          for suffix in local.log_group_suffixes :
          "arn:aws:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:airflow-${local.name}-${suffix}:*"
        ]
      },
      {
        Effect   = "Allow"
        Action   = ["logs:DescribeLogGroups", "cloudwatch:PutMetricData", "s3:GetAccountPublicAccessBlock"]
        Resource = "*"
      },
      {
        Effect = "Allow"
        Action = [
          "sqs:ChangeMessageVisibility",
          "sqs:DeleteMessage",
          "sqs:GetQueueAttributes",
          "sqs:GetQueueUrl",
          "sqs:ReceiveMessage",
          "sqs:SendMessage",
        ]
        Resource = "arn:aws:sqs:${var.region}:*:airflow-celery-*"
      },
    ]
  })
}

data "aws_iam_policy_document" "kms" {
  statement {
    sid       = "DecryptForSQS"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Encrypt"]
    not_resources = ["arn:aws:kms:*:${data.aws_caller_identity.current.account_id}:key/*"]

    condition {
      test     = "StringLike"
      variable = "kms:ViaService"
      values   = ["sqs.${var.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "ReadDagSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["arn:aws:secretsmanager:${var.region}:${data.aws_caller_identity.current.account_id}:secret:airflow/${local.name}/*"]
  }
}

resource "aws_iam_policy" "kms" {
  name   = "${local.name}-kms"
  policy = data.aws_iam_policy_document.kms.json
}

resource "aws_iam_role_policy_attachment" "kms" {
  role       = aws_iam_role.execution.name
  policy_arn = aws_iam_policy.kms.arn
}
"""

MWAA_S3 = """
resource "aws_s3_bucket" "airflow" {
  bucket = "${local.name}-airflow-${data.aws_caller_identity.current.account_id}"
  tags   = local.tags
}

resource "aws_s3_bucket_versioning" "airflow" {
  bucket = aws_s3_bucket.airflow.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "airflow" {
  bucket                  = aws_s3_bucket.airflow.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_object" "requirements" {
  bucket = aws_s3_bucket.airflow.id
  key    = "requirements/requirements.txt"
  source = "${path.module}/requirements.txt"
  etag   = filemd5("${path.module}/requirements.txt")
}
"""

MWAA_LOGS = """
resource "aws_cloudwatch_log_group" "airflow" {
  for_each          = toset(local.log_group_suffixes)
  name              = "airflow-${local.name}-${each.key}"
  @retention@
  tags              = local.tags
}
"""

MWAA_ENVIRONMENT = """
resource "aws_mwaa_environment" "this" {
  name               = local.name
  @airflow_version@
  environment_class  = var.environment_class
  execution_role_arn = aws_iam_role.execution.arn
  source_bucket_arn  = aws_s3_bucket.airflow.arn
  dag_s3_path        = "dags/"
  @webserver@

  requirements_s3_path           = aws_s3_object.requirements.key
  requirements_s3_object_version = aws_s3_object.requirements.version_id

  min_workers = var.min_workers
  max_workers = var.max_workers
  schedulers  = 2

  airflow_configuration_options = {
    "core.default_task_retries" = "2"
    "core.parallelism"          = tostring(var.max_workers * 5)
    "webserver.default_ui_timezone" = "UTC"
  }

  network_configuration {
    security_group_ids = [aws_security_group.airflow.id]
    subnet_ids         = @subnet_ids@
  }

  logging_configuration {
@logging@
  }

  tags       = local.tags
  depends_on = [aws_cloudwatch_log_group.airflow, aws_iam_role_policy.execution]
}
"""

MWAA_VARIABLES = """
variable "region" {
  type    = string
  default = "@region@"
}

variable "environment_class" {
  type    = string
  default = "@env_class@"
}

variable "min_workers" {
  type    = number
  default = @min_workers@
}

variable "max_workers" {
  type    = number
  default = @max_workers@
}
"""

MWAA_LOCALS = """
locals {
  name               = "@name@"
  log_group_suffixes = ["DAGProcessing", "Scheduler", "Task", "WebServer", "Worker"]
  azs                = ["a", "b"]
  private_subnets    = { for i, az in local.azs : az => cidrsubnet(var.vpc_cidr, 8, 10 + i) }

  tags = {
    Team        = "@team@"
    Application = "airflow"
    Environment = "@env@"
  }
}
"""

REQUIREMENTS = """--constraint "https://raw.githubusercontent.com/apache/airflow/constraints-2.10.3/constraints-3.11.txt"

apache-airflow-providers-amazon==9.0.0
apache-airflow-providers-postgres==5.13.1
apache-airflow-providers-slack==8.9.1
@extra@
"""


def stack_subnets(problem) -> str:
    """The environment's subnets as the stack writes them (to the environment or to ./modules/mwaa)."""
    if problem == "public-subnet":
        return '[aws_subnet.private["a"].id, aws_subnet.public[1].id]'
    return "[for s in aws_subnet.private : s.id]"


def mwaa_files(rng: random.Random, name: str, problem, in_module: bool) -> dict:
    """The files that define one environment, at the stack root or in its ./modules/mwaa."""
    logging = "\n".join(f"    {t} {{\n      enabled   = true\n      log_level = \"{rng.choice(['INFO', 'WARNING'])}\"\n    }}"
                        for t in LOG_TYPES)
    s3_actions = '"s3:GetObject*", "s3:GetBucket*", "s3:List*"'
    s3_resources = 'aws_s3_bucket.airflow.arn, "${aws_s3_bucket.airflow.arn}/*"'
    logs_actions = ('"logs:CreateLogStream", "logs:CreateLogGroup", "logs:PutLogEvents", "logs:GetLogEvents", '
                    '"logs:GetLogRecord", "logs:GetLogGroupFields", "logs:GetQueryResults"')
    if problem == "wildcard-action":
        logs_actions = '"logs:*"'
    files = {
        "iam.tf": fill(MWAA_IAM, s3_actions=s3_actions, s3_resources=s3_resources, logs_actions=logs_actions),
        "s3.tf": MWAA_S3,
        "logs.tf": fill(MWAA_LOGS, retention="" if problem == "no-retention" else
                        f"retention_in_days = {rng.choice([14, 30, 90])}"),
        "security.tf": fill(MWAA_SECURITY, vpc_id="var.vpc_id" if in_module else "aws_vpc.airflow.id"),
        "mwaa.tf": fill(MWAA_ENVIRONMENT, logging=logging,
                        airflow_version='airflow_version    = "2.10.3"',
                        webserver='webserver_access_mode = "PUBLIC_ONLY"' if problem == "public-webserver" else
                        'webserver_access_mode = "PRIVATE_ONLY"',
                        subnet_ids="var.subnet_ids" if in_module else stack_subnets(problem)),
        "requirements.txt": fill(REQUIREMENTS, extra="pandas>=2.1\nrequests" if problem == "unpinned" else
                                 "pandas==2.1.4\nrequests==2.32.3"),
        "outputs.tf": """
output "environment_arn" {
  value = aws_mwaa_environment.this.arn
}

output "webserver_url" {
  value = aws_mwaa_environment.this.webserver_url
}

output "execution_role_arn" {
  value = aws_iam_role.execution.arn
}
""",
    }
    return files


def write_stack(root: Path, index: int, seed: int) -> None:
    rng = random.Random(f"{seed}-stack-{index}")
    problem = PROBLEMS.get(index % 10)
    in_module = index % 3 == 0
    team = rng.choice(TEAMS)
    env = rng.choice(["dev", "staging", "prod"])
    name = f"{team}-{env}-{index:03d}"
    stack = root / "airflow" / f"stack-{index:03d}"
    max_workers = 40 if problem == "max-workers" else rng.choice([5, 10, 20])
    variables = fill(MWAA_VARIABLES, region=rng.choice(["us-east-1", "eu-west-1"]), env_class=rng.choice(["mw1.small", "mw1.medium"]),
                     min_workers=rng.choice([1, 2]), max_workers=max_workers)
    variables += variable("vpc_cidr", "string", f'"10.{rng.randint(0, 255)}.0.0/16"', "CIDR of the Airflow VPC.")
    stack_locals = fill(MWAA_LOCALS, name=name, team=team, env=env)
    common = {"versions.tf": fill(VERSIONS, aws="5.60"), "network.tf": MWAA_NETWORK}
    if not in_module:
        files = {**common, "variables.tf": variables, "locals.tf": stack_locals, **mwaa_files(rng, name, problem, False)}
        for file, text in files.items():
            write(stack / file, text)
        return
    # the stack owns the network and passes it to ./modules/mwaa
    subnets = stack_subnets(problem)
    module_call = fill("""
module "mwaa" {
  source = "./modules/mwaa"

  name        = local.name
  region      = var.region
  vpc_id      = aws_vpc.airflow.id
  subnet_ids  = @subnet_ids@
  min_workers = var.min_workers
  max_workers = @max_workers@
  tags        = local.tags
}

output "environment_arn" {
  value = module.mwaa.environment_arn
}
""", max_workers=max_workers if problem == "max-workers" else "var.max_workers", subnet_ids=subnets)
    for file, text in {**common, "variables.tf": variables, "locals.tf": stack_locals, "main.tf": module_call}.items():
        write(stack / file, text)
    module_vars = fill(MWAA_VARIABLES, region="us-east-1", env_class="mw1.small", min_workers=1, max_workers=10) + """
variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "tags" {
  type    = map(string)
  default = {}
}
"""
    module_locals = """
locals {
  name               = var.name
  log_group_suffixes = ["DAGProcessing", "Scheduler", "Task", "WebServer", "Worker"]
  tags               = merge(var.tags, { Component = "mwaa" })
}
"""
    files = {"versions.tf": fill(VERSIONS, aws="5.60"), "variables.tf": module_vars, "locals.tf": module_locals,
             **mwaa_files(rng, name, problem, True)}
    for file, text in files.items():
        write(stack / "modules" / "mwaa" / file, text)


# --- what real monorepos add (--partial) --------------------------------------------------------

PARTIAL_GROUP = "platform/partial-checkout"
MISSING_SOURCE = "../../../../account-map/modules/iam-roles"  # another repository's, not checked out


GENERATED_FILE = "dag_owners.generated.tf"  # the one very large generated file, in an MWAA stack: parsed
GENERATED_LINES = 50_000


def generated_owners(rng: random.Random, lines: int) -> str:
    """A file a script writes from a registry, `lines` lines long (1.7 MB): one map of every DAG
    to its owners' address, under the 2 MB mwaa-lint parses."""
    out = ["# Generated by scripts/export_dag_owners.py from the Airflow DAG registry: do not edit.", "locals {",
           "  dag_owner_emails = {"]
    out += [f'    dag_{i:05d} = "{rng.choice(TEAMS)[:8]}-{i % 97:02d}@acme.io"' for i in range(lines - 5)]
    out += ["  }", "}"]
    return "\n".join(out) + "\n"


def write_partial(root: Path, seed: int) -> None:
    """A sparse CI checkout: a platform group whose live roots also call a module of a directory
    that is not checked out (a missing local module source, reported once per root), and an
    MWAA stack whose inputs come from several variable files, with one very large generated file."""
    rng = random.Random(f"{seed}-partial")
    team = rng.choice(TEAMS)
    for kind, make in KINDS.items():
        files = make(rng)
        files["versions.tf"] = fill(VERSIONS, aws="5.60")
        files["locals.tf"] = fill(LOCALS, kind=kind, cost=f"cc-{rng.randint(100, 999)}")
        for name, text in files.items():
            write(root / PARTIAL_GROUP / "modules" / kind / name, text)
    for env in ("dev", "prod"):
        files = live_root(rng, PARTIAL_GROUP, team, env)
        files["main.tf"] += (f'\n# The account map lives in infrastructure-core; CI checks out only platform/ and airflow/.\n'
                             f'module "account_map" {{\n  source = "{MISSING_SOURCE}"\n\n  stage = var.environment\n}}\n')
        for name, text in files.items():
            write(root / PARTIAL_GROUP / "live" / env / name, text)
    stack = root / "airflow" / "stack-tfvars"
    name = f"{team}-prod-tfvars"
    variables = fill(MWAA_VARIABLES, region="us-east-1", env_class="mw1.small", min_workers=1, max_workers=5)
    variables += variable("vpc_cidr", "string", '"10.0.0.0/16"', "CIDR of the Airflow VPC.")
    variables += '\nvariable "dag_owners" {\n  description = "DAG id to its owning team and on-call channel."\n' \
                 '  type        = map(object({ team = string, channel = string }))\n  default     = {}\n}\n'
    files = {"versions.tf": fill(VERSIONS, aws="5.60"), "network.tf": MWAA_NETWORK, "variables.tf": variables,
             "locals.tf": fill(MWAA_LOCALS, name=name, team=team, env="prod"),
             **mwaa_files(rng, name, None, False),
             "owners.tf": '\nresource "aws_ssm_parameter" "dag_owners" {\n  name  = "/airflow/${local.name}/dag-owners"\n'
                          '  type  = "String"\n  value = jsonencode(var.dag_owners)\n  tags  = local.tags\n}\n',
             "terraform.tfvars": 'region            = "eu-west-1"\nenvironment_class = "mw1.medium"\nmin_workers       = 2\n'
                                 "max_workers       = 20\n",
             "network.auto.tfvars": f'vpc_cidr = "10.{rng.randint(0, 255)}.0.0/16"\n',
             "owners.auto.tfvars": "dag_owners = {\n" + "".join(
                 f'  "{rng.choice(TEAMS)}_dag_{i:04d}" = {{ team = "{rng.choice(TEAMS)}", channel = "#oncall-{rng.choice(TEAMS)}" }}\n'
                 for i in range(400)) + "}\n",
             GENERATED_FILE: generated_owners(rng, GENERATED_LINES)}
    files["owners.tf"] += '\noutput "dag_owner_count" {\n  value = length(local.dag_owner_emails)\n}\n'
    for file, text in files.items():
        write(stack / file, text)


def generate(root: Path, irrelevant_scale: int = 1, mwaa_scale: int = 1, seed: int = 42, partial: bool = False) -> dict:
    """Write the tree under root; returns counts of what was written. `partial` adds
    write_partial()'s directories to the same tree (every other file as without it)."""
    for index in range(GROUPS_PER_SCALE * irrelevant_scale):
        write_group(root, index, seed)
    for index in range(STACKS_PER_SCALE * mwaa_scale):
        write_stack(root, index, seed)
    if partial:
        write_partial(root, seed)
    write(root / "README.md", "# acme/infrastructure\n\nSynthetic monorepo written by mwaa-lint's bench/generate.py.\n")
    tf = list(root.rglob("*.tf"))
    return {"tf_files": len(tf), "directories": len({p.parent for p in tf}),
            "mwaa_tf_files": sum(1 for p in tf if "airflow" in p.relative_to(root).parts[:1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory to write (created; should be empty)")
    parser.add_argument("--scale", type=int, default=None, help="sets both scales below")
    parser.add_argument("--irrelevant-scale", type=int, default=1, help="multiplies the non-MWAA groups (19 per unit)")
    parser.add_argument("--mwaa-scale", type=int, default=1, help="multiplies the MWAA stacks (10 per unit)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--partial", action="store_true",
                        help="add a partial checkout (missing module sources) and a stack fed by variable files")
    args = parser.parse_args()
    if args.scale is not None:
        args.irrelevant_scale = args.mwaa_scale = args.scale
    counts = generate(args.out, args.irrelevant_scale, args.mwaa_scale, args.seed, args.partial)
    print(f"{args.out}: {counts['tf_files']} .tf files in {counts['directories']} directories "
          f"({counts['mwaa_tf_files']} in the MWAA stacks)")


if __name__ == "__main__":
    main()
