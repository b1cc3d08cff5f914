output "environment_variables" {
  description = "The function's complete environment: the managed POWERTOOLS_* and STREAM_HANDLER_* variables plus environment_variables."
  value       = tomap(merge(var.environment_variables, local.managed_environment))
}

output "timeout" {
  description = "Function timeout in seconds."
  value       = var.timeout
}

output "memory_size" {
  description = "Function memory in MB."
  value       = var.memory_size
}

output "handler" {
  description = "Handler string of the packaged zip (docs/DESIGN.md contract)."
  value       = "handler.entrypoint.lambda_handler"
}

output "allowed_event_names" {
  description = "Event names the handler processes (allowed_event_names, or event_names when null)."
  value       = local.allowed_event_names
}
