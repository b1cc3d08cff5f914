output "function_alias_arn" {
  description = "What the mapping invokes."
  value       = module.order_events.function_alias_arn
}

output "filter_patterns" {
  description = "The mapping's filter patterns."
  value       = module.order_events.filter_patterns
}

output "role_policy_statements" {
  description = "What the role may do."
  value       = module.order_events.role_policy_statements
}

output "role_policy_json" {
  description = "The policy a role of your own must allow."
  value       = module.order_events.role_policy_json
}

output "event_source_mapping_uuid" {
  description = "UUID of the mapping."
  value       = module.order_events.event_source_mapping_uuid
}
