data "aws_region" "current" {}

locals {
  endpoints = { for k, v in var.endpoints : k => v if try(v.create, true) }
}

resource "aws_vpc_endpoint" "this" {
  for_each = local.endpoints

  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.${each.value.service}"
  vpc_endpoint_type   = try(each.value.service_type, "Interface")
  private_dns_enabled = try(each.value.service_type, "Interface") == "Interface" ? try(each.value.private_dns_enabled, true) : null

  security_group_ids = try(each.value.service_type, "Interface") == "Interface" ? distinct(concat(var.security_group_ids, try(each.value.security_group_ids, []))) : null
  subnet_ids         = try(each.value.service_type, "Interface") == "Interface" ? distinct(concat(var.subnet_ids, try(each.value.subnet_ids, []))) : null
  route_table_ids    = try(each.value.service_type, "Interface") == "Gateway" ? try(each.value.route_table_ids, null) : null

  tags = merge(var.tags, try(each.value.tags, {}))
}
