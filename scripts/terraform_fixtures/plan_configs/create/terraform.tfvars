region                = "eu-west-1"
environment_name      = "analytics"
airflow_version       = "2.10.3"
webserver_access_mode = "PUBLIC_ONLY"

vpc_id               = "vpc-0a1b2c3d4e5f60718"
nat_gateway_id       = "nat-0f1e2d3c4b5a69788"
private_subnet_cidrs = ["10.20.1.0/24", "10.20.2.0/24"]
availability_zones   = ["eu-west-1a", "eu-west-1b"]

# smtp_password comes from the CI secret store (TF_VAR_smtp_password).
