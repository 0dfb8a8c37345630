# An MWAA environment that already exists, created by a local module; the plan beside this file
# shows what the last change to the configuration does to it.

module "mwaa" {
  source = "./modules/mwaa"

  region            = var.region
  environment_name  = var.environment_name
  airflow_version   = var.airflow_version
  source_bucket_arn = var.source_bucket_arn
  vpc_cidr          = var.vpc_cidr
}
