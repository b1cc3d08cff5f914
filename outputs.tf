output "stream_arn" {
  description = "ARN of the stream the mapping reads (created table's or the given one)."
  value       = local.stream_arn

  precondition {
    condition     = local.has_stream_source
    error_message = "No stream to read: set create_table = true to create a table with Streams on, or give stream_arn of an existing table's stream."
  }
}

output "table_name" {
  description = "Name of the created table (null when attaching to an existing stream)."
  value       = module.stream_table.table_name
}

output "table_arn" {
  description = "ARN of the created table."
  value       = module.stream_table.table_arn
}

output "function_name" {
  description = "Function name."
  value       = module.lambda_function.function_name
}

output "function_arn" {
  description = "Function ARN."
  value       = module.lambda_function.function_arn
}

output "log_group_name" {
  description = "The function's log group."
  value       = module.lambda_function.log_group_name
}

output "role_arn" {
  description = "Execution role ARN."
  value       = module.execution_role.role_arn
}

output "role_name" {
  description = "Execution role name."
  value       = module.execution_role.role_name
}

output "role_policy_statements" {
  description = "The statements the execution role is granted by the module (sid, actions, resources)."
  value       = module.execution_role.policy_statements
}

output "failure_queue_arn" {
  description = "ARN of the on-failure queue (created or given)."
  value       = local.failure_queue_arn

  precondition {
    condition     = local.has_failure_queue
    error_message = "No on-failure destination: records whose retries or age run out would be dropped silently. Keep create_failure_queue = true or give failure_queue_arn of a standard SQS queue."
  }
}

output "failure_queue_url" {
  description = "URL of the created on-failure queue (read and redrive failure records from it)."
  value       = module.failure_queue.queue_url
}

output "failure_queue_alarm_arn" {
  description = "ARN of the visible-messages alarm on the created queue."
  value       = module.failure_queue.alarm_arn
}

output "notification_topic_arn" {
  description = "SNS topic the processor publishes to (created or given), or null."
  value       = local.notification_topic_arn
}

output "idempotency_table_name" {
  description = "Idempotency table the handler uses, or null."
  value       = local.handler_idempotency_table_name

  precondition {
    condition     = var.idempotency_table_name == null || var.create_idempotency_table
    error_message = "idempotency_table_name names a table to create, but create_idempotency_table is false: set create_idempotency_table = true, or give an existing table as idempotency_table_arn (the role needs its ARN)."
  }
}

output "idempotency_table_arn" {
  description = "ARN of the idempotency table, or null."
  value       = local.idempotency_table_arn
}

output "event_source_mapping_uuid" {
  description = "UUID of the event source mapping."
  value       = module.event_source_mapping.uuid
}

output "event_source_mapping_arn" {
  description = "ARN of the event source mapping."
  value       = module.event_source_mapping.arn
}

output "filter_patterns" {
  description = "The exact filter patterns (JSON strings) on the mapping."
  value       = module.event_source_mapping.filter_patterns
}

output "mapping" {
  description = "Mapping settings under the Lambda API's names (what the local poller uses)."
  value       = module.event_source_mapping.mapping
}

output "environment_variables" {
  description = "The function's environment variables."
  value       = module.lambda_function.environment_variables
}
