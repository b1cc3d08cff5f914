locals {
  allowed_event_names = var.allowed_event_names == null ? var.event_names : var.allowed_event_names

  # Names and formats are the contract with handler/ (docs/DESIGN.md). Every
  # managed variable is always present, with "" meaning "off", so the local
  # worker and Lambda see exactly the same environment.
  managed_environment = {
    POWERTOOLS_SERVICE_NAME                = var.service_name
    POWERTOOLS_METRICS_NAMESPACE           = var.metrics_namespace
    POWERTOOLS_LOG_LEVEL                   = var.log_level
    STREAM_HANDLER_ALLOWED_EVENT_NAMES     = join(",", local.allowed_event_names)
    STREAM_HANDLER_PROCESSOR               = var.processor
    STREAM_HANDLER_NOTIFICATION_TOPIC_ARN  = var.notification_topic_arn == null ? "" : var.notification_topic_arn
    STREAM_HANDLER_IDEMPOTENCY_TABLE       = var.idempotency_table_name == null ? "" : var.idempotency_table_name
    STREAM_HANDLER_IDEMPOTENCY_TTL_SECONDS = tostring(var.idempotency_ttl_seconds)
    STREAM_HANDLER_INVALID_RECORD_ACTION   = var.invalid_record_action
    STREAM_HANDLER_LOG_IMAGES              = var.log_images ? "true" : "false"
    STREAM_HANDLER_FAILURE_MODE            = var.failure_mode
    STREAM_HANDLER_CONCURRENCY             = tostring(var.concurrency)
  }

  environment_variables = tomap(merge(var.environment_variables, local.managed_environment))

  # The packaged zip's entry point (docs/DESIGN.md contract).
  handler = "handler.entrypoint.lambda_handler"
}
