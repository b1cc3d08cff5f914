output "function_name" {
  description = "Function name (the mapping's function_name)."
  value       = try(aws_lambda_function.this[0].function_name, null)
}

output "function_arn" {
  description = "Function ARN."
  value       = try(aws_lambda_function.this[0].arn, null)
}

output "function_qualified_arn" {
  description = "ARN with the version qualifier."
  value       = try(aws_lambda_function.this[0].qualified_arn, null)
}

output "source_code_hash" {
  description = "base64 SHA-256 of the deployed zip."
  value       = try(aws_lambda_function.this[0].source_code_hash, null)
}

output "log_group_name" {
  description = "Log group name."
  value       = try(aws_cloudwatch_log_group.this[0].name, null)
}

output "log_group_arn" {
  description = "Log group ARN (for the execution role's log permissions)."
  value       = try(aws_cloudwatch_log_group.this[0].arn, null)
}

output "environment_variables" {
  description = "The function's environment variables (settings.environment_variables)."
  value       = var.settings.environment_variables
}
