output "table_name" {
  description = "Table name (null when create = false)."
  value       = try(aws_dynamodb_table.this[0].name, null)
}

output "table_arn" {
  description = "Table ARN."
  value       = try(aws_dynamodb_table.this[0].arn, null)
}

output "stream_arn" {
  description = "Latest stream ARN: the event source of the mapping."
  value       = try(aws_dynamodb_table.this[0].stream_arn, null)
}

output "stream_label" {
  description = "Timestamp label of the latest stream."
  value       = try(aws_dynamodb_table.this[0].stream_label, null)
}

output "stream_view_type" {
  description = "View type of the stream (what each record carries)."
  value       = var.stream_view_type
}

output "kms_key_arn" {
  description = "Customer-managed key encrypting the table and its stream, or null for the AWS managed key."
  value       = var.kms_key_arn
}
