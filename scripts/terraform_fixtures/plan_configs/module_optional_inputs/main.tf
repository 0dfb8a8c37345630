# Two environments from one wrapper module whose optional inputs default to null (the style of
# aws-ia/mwaa/aws). claims leaves requirements_s3_object_version out, so it is null and the
# provider computes it; billing passes the uploaded object's version.

resource "aws_s3_bucket" "airflow" {
  bucket = "claims-airflow-111122223333"
}

resource "aws_s3_bucket_versioning" "airflow" {
  bucket = aws_s3_bucket.airflow.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "airflow" {
  bucket = aws_s3_bucket.airflow.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_object" "requirements" {
  bucket  = aws_s3_bucket.airflow.id
  key     = "requirements.txt"
  content = "apache-airflow-providers-snowflake==5.8.0\n"
}

module "claims" {
  source = "./modules/mwaa"

  name                 = "claims"
  source_bucket_arn    = aws_s3_bucket.airflow.arn
  execution_role_arn   = "arn:aws:iam::111122223333:role/claims-mwaa"
  requirements_s3_path = "requirements.txt"
}

module "billing" {
  source = "./modules/mwaa"

  name                           = "billing"
  source_bucket_arn              = aws_s3_bucket.airflow.arn
  execution_role_arn             = "arn:aws:iam::111122223333:role/billing-mwaa"
  requirements_s3_path           = aws_s3_object.requirements.key
  requirements_s3_object_version = aws_s3_object.requirements.version_id
}
