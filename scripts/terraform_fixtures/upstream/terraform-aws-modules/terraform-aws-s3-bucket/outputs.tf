output "s3_bucket_id" {
  description = "Name of the bucket"
  value       = try(aws_s3_bucket.this[0].id, "")
}

output "s3_bucket_arn" {
  description = "ARN of the bucket"
  value       = try(aws_s3_bucket.this[0].arn, "")
}
