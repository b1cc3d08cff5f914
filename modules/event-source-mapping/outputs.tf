output "uuid" {
  description = "UUID of the event source mapping (for aws lambda get/update-event-source-mapping)."
  value       = try(aws_lambda_event_source_mapping.this[0].uuid, null)
}

output "arn" {
  description = "ARN of the event source mapping."
  value       = try(aws_lambda_event_source_mapping.this[0].arn, null)
}

output "function_arn" {
  description = "ARN of the function the mapping invokes."
  value       = try(aws_lambda_event_source_mapping.this[0].function_arn, null)
}

output "state" {
  description = "State of the mapping (Enabled, Disabled, ...)."
  value       = try(aws_lambda_event_source_mapping.this[0].state, null)
}

output "mapping" {
  description = "The settings under the Lambda API's names, as given in `settings` (esm-settings output mapping)."
  value       = var.settings
}

output "filter_patterns" {
  description = "The exact filter pattern JSON strings given to Lambda."
  value       = local.filter_patterns
}

output "on_failure_destination_arn" {
  description = "The on-failure destination ARN as set on the mapping's destination_config (null when none)."
  value       = try(aws_lambda_event_source_mapping.this[0].destination_config[0].on_failure[0].destination_arn, null)
}

output "event_source_arn" {
  description = "The stream ARN the mapping reads, as set on the mapping."
  value       = try(aws_lambda_event_source_mapping.this[0].event_source_arn, null)
}

output "function_name" {
  description = "The function name as set on the mapping."
  value       = try(aws_lambda_event_source_mapping.this[0].function_name, null)
}

output "kms_key_arn" {
  description = "KMS key encrypting the filter criteria, as set on the mapping (null: Lambda's own encryption)."
  value       = try(aws_lambda_event_source_mapping.this[0].kms_key_arn, null)
}
