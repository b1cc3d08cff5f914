output "bucket_arn" {
  description = "Bucket ARN: the mapping's on-failure destination."
  value       = try(aws_s3_bucket.this[0].arn, null)
}

output "bucket_name" {
  description = "Bucket name, for listing and redriving parked batches."
  value       = try(aws_s3_bucket.this[0].id, null)
}

output "kms_key_arn" {
  description = "The customer managed key encrypting new objects, or null for SSE-S3."
  value       = var.kms_key_arn
}

output "parked_prefix" {
  description = "Key prefix Lambda writes on-failure objects under (aws/lambda/<mapping UUID>/<shardId>/...)."
  value       = local.parked_prefix
}

output "redriven_prefix" {
  description = "Key prefix redriven batches are moved to."
  value       = var.redriven_prefix
}
