output "filter_patterns" {
  description = "The exact patterns Lambda evaluates, rendered from the filters above."
  value       = module.user_profiles.filter_patterns
}

output "function_name" {
  description = "The filtered stream handler."
  value       = module.user_profiles.function_name
}

output "table_name" {
  description = "The user-profile table."
  value       = module.user_profiles.table_name
}
