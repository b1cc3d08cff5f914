output "table_name" {
  description = "Put items here to trigger the function."
  value       = module.user_profiles.table_name
}

output "stream_arn" {
  description = "The table's stream."
  value       = module.user_profiles.stream_arn
}

output "function_name" {
  description = "The stream handler."
  value       = module.user_profiles.function_name
}

output "failure_queue_url" {
  description = "Where failed records wait for inspection and redrive."
  value       = module.user_profiles.failure_queue_url
}

output "alarm_topic_arn" {
  description = "Subscribe on-call endpoints here: every alarm of the pipeline publishes to it."
  value       = module.user_profiles.alarm_topic_arn
}

output "dashboard_name" {
  description = "The pipeline's CloudWatch dashboard."
  value       = module.user_profiles.dashboard_name
}

output "notification_topic_arn" {
  description = "Topic the processor publishes profile notifications to."
  value       = module.user_profiles.notification_topic_arn
}

output "filter_patterns" {
  description = "The mapping's filter patterns (insert-only)."
  value       = module.user_profiles.filter_patterns
}
