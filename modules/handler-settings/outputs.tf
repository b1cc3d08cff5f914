output "environment_variables" {
  description = "The function's complete environment: the managed POWERTOOLS_* and STREAM_HANDLER_* variables plus environment_variables."
  value       = local.environment_variables
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
  value       = local.handler
}

output "allowed_event_names" {
  description = "Event names the handler processes (allowed_event_names, or event_names when null)."
  value       = local.allowed_event_names
}

output "function_settings" {
  description = "The function's settings as one object (environment_variables, timeout, memory_size, handler, as the outputs of those names): pass it to modules/lambda-function's `settings`."
  value = {
    environment_variables = local.environment_variables
    timeout               = var.timeout
    memory_size           = var.memory_size
    handler               = local.handler
  }
}
