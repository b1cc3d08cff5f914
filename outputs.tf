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
  description = "Execution role ARN: the created role, or role_arn with create_role = false."
  value       = var.create ? local.role_arn : null

  # (create_role = false without role_arn is modules/lambda-function's error.)
  precondition {
    condition     = !var.create_role || var.role_arn == null
    error_message = "role_arn is set but create_role is true: the module would create its own role and ignore yours. Set create_role = false to run the function with role_arn, or remove role_arn."
  }
}

output "role_name" {
  description = "Execution role name (of the created role, or the name in role_arn)."
  value       = var.create ? (var.create_role ? module.execution_role.role_name : try(element(split("/", var.role_arn), length(split("/", var.role_arn)) - 1), null)) : null
}

output "role_policy_statements" {
  description = "The statements the execution role is granted by the module (sid, actions, resources)."
  value       = module.execution_role.policy_statements
}

output "on_failure_destination_type" {
  description = "Type of the mapping's on-failure destination: sqs, sns or s3."
  value       = var.on_failure_destination_type
}

output "on_failure_destination_arn" {
  description = "ARN of the mapping's on-failure destination (created or given), as set on its destination_config."
  value       = local.on_failure_destination_arn

  precondition {
    condition     = local.has_on_failure_destination
    error_message = "No on-failure destination: records whose retries or age run out would be dropped silently. For on_failure_destination_type = ${var.on_failure_destination_type}, keep that type's create_failure_queue, create_failure_topic or create_failure_bucket = true, or give its failure_queue_arn, failure_topic_arn or failure_bucket_arn."
  }
}

output "failure_queue_arn" {
  description = "ARN of the on-failure queue (created or given; null unless on_failure_destination_type = sqs)."
  value       = var.on_failure_destination_type == "sqs" ? local.failure_queue_arn : null
}

output "failure_queue_url" {
  description = "URL of the created on-failure queue (read and redrive failure records from it)."
  value       = module.failure_queue.queue_url
}

output "failure_queue_alarm_arn" {
  description = "ARN of the visible-messages alarm on the created queue."
  value       = module.failure_queue.alarm_arn
}

output "failure_topic_arn" {
  description = "ARN of the on-failure topic (created or given; null unless on_failure_destination_type = sns). Subscribe a queue to it to redrive."
  value       = var.on_failure_destination_type == "sns" ? local.failure_topic_arn : null
}

output "failure_bucket_arn" {
  description = "ARN of the on-failure bucket (created or given; null unless on_failure_destination_type = s3)."
  value       = var.on_failure_destination_type == "s3" ? local.failure_bucket_arn : null
}

output "failure_bucket_name" {
  description = "Name of the on-failure bucket (created or given); parked batches are under aws/lambda/<mapping UUID>/."
  value       = var.on_failure_destination_type == "s3" ? local.on_failure_destination_name : null
}

output "alarm_topic_arn" {
  description = "ARN of the created alarm topic (null unless create_alarm_topic = true): subscribe on-call endpoints to it."
  value       = module.alarm_topic.topic_arn
}

output "alarm_arns" {
  description = "ARNs of the created alarms by alarm: iterator_age_warning, iterator_age_critical, errors, throttles, destination_delivery_failures, and the destination's (failure_queue, failure_topic or on_failure_deliveries)."
  value       = local.alarm_arns
}

output "iterator_age_alarm_thresholds_seconds" {
  description = "The iterator age alarms' thresholds and the record age limit they guard (min(maximum_record_age_in_seconds, 86400)), in seconds."
  value = {
    warning  = module.alarms.iterator_age_warning_seconds
    critical = module.alarms.iterator_age_critical_seconds
    limit    = module.alarms.record_age_limit_seconds
  }
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard (null when not created)."
  value       = module.dashboard.dashboard_name
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
