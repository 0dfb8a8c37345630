output "endpoints" {
  description = "The endpoints created, by key"
  value       = aws_vpc_endpoint.this
}
