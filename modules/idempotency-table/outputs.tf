output "table_name" {
  description = "Table name (the handler's STREAM_HANDLER_IDEMPOTENCY_TABLE)."
  value       = try(aws_dynamodb_table.this[0].name, null)
}

output "table_arn" {
  description = "Table ARN, for the execution role's item permissions."
  value       = try(aws_dynamodb_table.this[0].arn, null)
}

output "kms_key_arn" {
  description = "Customer-managed key of the table, or null."
  value       = var.kms_key_arn
}
