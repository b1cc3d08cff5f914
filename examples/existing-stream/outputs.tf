output "function_name" {
  description = "The stream handler attached to the existing table."
  value       = module.stream_handler.function_name
}

output "event_source_mapping_uuid" {
  description = "UUID of the mapping on the existing stream."
  value       = module.stream_handler.event_source_mapping_uuid
}

output "failure_queue_url" {
  description = "Where failed records wait."
  value       = module.stream_handler.failure_queue_url
}

output "role_policy_statements" {
  description = "What the function may do: read this one stream, write its logs, send to its queue."
  value       = module.stream_handler.role_policy_statements
}

output "name" {
  description = "The base name the module got (derived from the table name unless given)."
  value       = local.name
}

output "function_alias_arn" {
  description = "The alias the mapping invokes."
  value       = module.stream_handler.function_alias_arn
}
