output "function_name" {
  description = "Function name."
  value       = try(aws_lambda_function.this[0].function_name, null)
}

output "function_arn" {
  description = "Function ARN (unqualified)."
  value       = try(aws_lambda_function.this[0].arn, null)
}

output "function_qualified_arn" {
  description = "ARN of the version this apply published (<function ARN>:<version>)."
  value       = try(aws_lambda_function.this[0].qualified_arn, null)
}

output "function_version" {
  description = "The version this apply published (the function publishes one per code or configuration change)."
  value       = try(aws_lambda_function.this[0].version, null)
}

output "alias_name" {
  description = "Name of the alias the event source mapping invokes."
  value       = try(aws_lambda_alias.this[0].name, null)
}

output "alias_arn" {
  description = "ARN of the alias (<function ARN>:<alias>): the event source mapping's function_name."
  value       = try(aws_lambda_alias.this[0].arn, null)
}

output "alias_function_version" {
  description = "The version the alias points to (the latest published one, or alias_function_version)."
  value       = try(aws_lambda_alias.this[0].function_version, null)
}

output "provisioned_concurrent_executions" {
  description = "Provisioned concurrency configured on the alias (0: none)."
  value       = length(aws_lambda_provisioned_concurrency_config.this) > 0 ? aws_lambda_provisioned_concurrency_config.this[0].provisioned_concurrent_executions : 0
}

output "layers" {
  description = "The layer ARNs on the function, the Powertools layer first when powertools_layer_version is set."
  value       = local.layers
}

output "source_code_hash" {
  description = "base64 SHA-256 of the deployed zip."
  value       = try(aws_lambda_function.this[0].source_code_hash, null)
}

output "log_group_name" {
  description = "Name of the function's log group (created or existing)."
  value       = var.create ? local.log_group_name : null
}

output "log_group_arn" {
  description = "ARN of the function's log group, created or read (for the execution role's log permissions)."
  value       = local.log_group_arn
}

output "environment_variables" {
  description = "The function's environment variables (settings.environment_variables)."
  value       = var.settings.environment_variables
}

output "problems" {
  description = "What is wrong with the inputs, one message per broken rule (empty when consistent): exactly what the function's precondition reports at plan time. Read it in tests to assert which rule fired."
  # A tuple, like the list literals tests compare it with.
  value = [for problem in local.problems : problem]
}
