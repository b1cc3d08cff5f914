output "filter_patterns" {
  description = "The exact patterns Lambda evaluates, rendered from the filters above."
  value       = module.orders.filter_patterns
}

output "function_name" {
  description = "The filtered stream handler."
  value       = module.orders.function_name
}

output "table_name" {
  description = "The orders table."
  value       = module.orders.table_name
}
