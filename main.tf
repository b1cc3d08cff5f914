locals {
  # What is configured, for the checks and the role's statements. None of these
  # gates what is built: only var.create and the create_* switches do, since an
  # ARN made in the same apply is unknown at plan and no count may depend on
  # it. A missing stream or destination fails the outputs' preconditions.
  has_stream_source  = var.create_table || var.stream_arn != null
  has_failure_queue  = var.create_failure_queue || var.failure_queue_arn != null
  has_failure_topic  = var.create_failure_topic || var.failure_topic_arn != null
  has_failure_bucket = var.create_failure_bucket || var.failure_bucket_arn != null
  # Only the chosen type's destination is created (and granted to the role).
  has_on_failure_destination = {
    sqs = local.has_failure_queue
    sns = local.has_failure_topic
    s3  = local.has_failure_bucket
  }[var.on_failure_destination_type]
  event_count_metrics = contains(var.mapping_metrics, "EventCount")
  idempotency_enabled = var.create_idempotency_table || var.idempotency_table_arn != null
  notification_on     = var.create_notification_topic || var.notification_topic_arn != null

  table_name              = coalesce(var.table_name, var.name)
  function_name           = coalesce(var.function_name, var.name)
  failure_queue_name      = coalesce(var.failure_queue_name, "${var.name}-failures")
  failure_topic_name      = coalesce(var.failure_topic_name, "${var.name}-failures")
  failure_bucket_name     = coalesce(var.failure_bucket_name, lower(replace("${var.name}-failures", "_", "-")))
  alarm_topic_name        = coalesce(var.alarm_topic_name, "${var.name}-alarms")
  dashboard_name          = coalesce(var.dashboard_name, var.name)
  notification_topic_name = coalesce(var.notification_topic_name, "${var.name}-notifications")
  idempotency_table_name  = coalesce(var.idempotency_table_name, "${var.name}-idempotency")

  stream_arn         = var.create_table ? module.stream_table.stream_arn : var.stream_arn
  stream_kms_key_arn = var.create_table ? var.table_kms_key_arn : var.stream_kms_key_arn

  failure_queue_arn      = var.create_failure_queue ? module.failure_queue.queue_arn : var.failure_queue_arn
  failure_topic_arn      = var.create_failure_topic ? module.failure_topic.topic_arn : var.failure_topic_arn
  failure_bucket_arn     = var.create_failure_bucket ? module.failure_bucket.bucket_arn : var.failure_bucket_arn
  notification_topic_arn = var.create_notification_topic ? module.notification_topic.topic_arn : var.notification_topic_arn
  idempotency_table_arn  = var.create_idempotency_table ? module.idempotency_table.table_arn : var.idempotency_table_arn

  # The destination in use: the mapping's destination_config, the role's grant.
  on_failure_destination_arn = {
    sqs = local.failure_queue_arn
    sns = local.failure_topic_arn
    s3  = local.failure_bucket_arn
  }[var.on_failure_destination_type]
  on_failure_destination_kms_key_arn = {
    sqs = var.failure_queue_kms_key_arn
    sns = var.failure_topic_kms_key_arn
    s3  = var.failure_bucket_kms_key_arn
  }[var.on_failure_destination_type]
  # The queue or topic name its metrics are dimensioned by (from the ARN when given).
  on_failure_destination_name = {
    sqs = var.create_failure_queue ? local.failure_queue_name : try(element(split(":", var.failure_queue_arn), 5), null)
    sns = var.create_failure_topic ? local.failure_topic_name : try(element(split(":", var.failure_topic_arn), 5), null)
    s3  = var.create_failure_bucket ? local.failure_bucket_name : try(element(split(":::", var.failure_bucket_arn), 1), null)
  }[var.on_failure_destination_type]

  # Every alarm notifies these; the created alarm topic first.
  alarm_actions    = concat(var.create_alarm_topic ? [module.alarm_topic.topic_arn] : [], var.alarm_actions)
  alarm_ok_actions = concat(var.create_alarm_topic ? [module.alarm_topic.topic_arn] : [], var.alarm_ok_actions)
  # An existing table is given by ARN (the role needs it); the handler needs its name.
  handler_idempotency_table_name = (
    var.create_idempotency_table ? module.idempotency_table.table_name :
    var.idempotency_table_arn != null ? element(split("/", var.idempotency_table_arn), 1) : null
  )
}

module "stream_table" {
  source = "./modules/stream-table"

  create                         = var.create && var.create_table
  name                           = local.table_name
  hash_key                       = var.hash_key
  hash_key_type                  = var.hash_key_type
  range_key                      = var.range_key
  range_key_type                 = var.range_key_type
  billing_mode                   = var.billing_mode
  read_capacity                  = var.read_capacity
  write_capacity                 = var.write_capacity
  stream_view_type               = var.stream_view_type
  point_in_time_recovery_enabled = var.point_in_time_recovery_enabled
  kms_key_arn                    = var.table_kms_key_arn
  ttl_attribute_name             = var.ttl_attribute_name
  deletion_protection_enabled    = var.deletion_protection_enabled
  table_class                    = var.table_class
  tags                           = var.tags
}

module "failure_queue" {
  source = "./modules/failure-queue"

  create                    = var.create && var.on_failure_destination_type == "sqs" && var.create_failure_queue
  name                      = local.failure_queue_name
  message_retention_seconds = var.failure_queue_message_retention_seconds
  kms_master_key_id         = var.failure_queue_kms_key_arn
  create_alarm              = var.create_alarms && var.create_failure_queue_alarm
  alarm_actions             = concat(local.alarm_actions, var.failure_queue_alarm_actions)
  ok_actions                = local.alarm_ok_actions
  tags                      = var.tags
}

module "failure_topic" {
  source = "./modules/failure-topic"

  create            = var.create && var.on_failure_destination_type == "sns" && var.create_failure_topic
  name              = local.failure_topic_name
  kms_master_key_id = var.failure_topic_kms_key_arn
  create_alarm      = var.create_alarms && var.create_failure_topic_alarm
  alarm_actions     = local.alarm_actions
  ok_actions        = local.alarm_ok_actions
  tags              = var.tags
}

module "failure_bucket" {
  source = "./modules/failure-bucket"

  create                             = var.create && var.on_failure_destination_type == "s3" && var.create_failure_bucket
  name                               = local.failure_bucket_name
  kms_key_arn                        = var.failure_bucket_kms_key_arn
  expiration_days                    = var.failure_bucket_expiration_days
  redriven_expiration_days           = var.failure_bucket_redriven_expiration_days
  noncurrent_version_expiration_days = var.failure_bucket_noncurrent_version_expiration_days
  force_destroy                      = var.failure_bucket_force_destroy
  tags                               = var.tags
}

module "alarm_topic" {
  source = "./modules/alarm-topic"

  create         = var.create && var.create_alarm_topic
  name           = local.alarm_topic_name
  create_kms_key = var.alarm_topic_create_kms_key
  kms_key_arn    = var.alarm_topic_kms_key_arn
  tags           = var.tags
}

module "notification_topic" {
  source = "./modules/notification-topic"

  create            = var.create && var.create_notification_topic
  name              = local.notification_topic_name
  kms_master_key_id = var.notification_topic_kms_key_arn != null ? var.notification_topic_kms_key_arn : var.notification_topic_kms_key_id
  tags              = var.tags
}

module "idempotency_table" {
  source = "./modules/idempotency-table"

  create      = var.create && var.create_idempotency_table
  name        = local.idempotency_table_name
  kms_key_arn = var.idempotency_table_kms_key_arn
  tags        = var.tags
}

# The function's role: created here, or one of your own (create_role = false).
locals {
  # A role made in the same apply has an unknown ARN at plan, and no count may
  # depend on it. A missing role_arn is reported once, by modules/lambda-function.
  role_arn = var.create_role ? module.execution_role.role_arn : var.role_arn
  # IAM names are global to the account: the default carries the region, so
  # the same name deployed in two regions gets two roles (63 characters and
  # the region at most, as IAM allows 64).
  role_name   = var.role_name != null ? var.role_name : try("${substr(var.name, 0, 63 - length(data.aws_region.current[0].region))}-${data.aws_region.current[0].region}", var.name)
  vpc_enabled = length(var.vpc_subnet_ids) > 0 || length(var.vpc_security_group_ids) > 0
}

data "aws_region" "current" {
  count = var.create && var.create_role && var.role_name == null ? 1 : 0
}

module "execution_role" {
  source = "./modules/execution-role"

  # Built with create_role = false too: its policy_document_json output is
  # what a role of your own must allow.
  create = var.create && var.create_role
  name   = local.role_name
  # A missing stream or destination is reported by outputs.tf in the root's terms.
  check_required_inputs = false
  path                  = var.role_path
  permissions_boundary  = var.role_permissions_boundary

  stream_arn         = local.stream_arn
  stream_kms_key_arn = local.stream_kms_key_arn
  log_group_arn      = module.lambda_function.log_group_arn

  on_failure_destination_type        = var.on_failure_destination_type
  on_failure_destination_arn         = local.on_failure_destination_arn
  on_failure_destination_kms_key_arn = local.on_failure_destination_kms_key_arn

  attach_notification_topic_policy = local.notification_on
  notification_topic_arn           = local.notification_topic_arn
  notification_topic_kms_key_arn   = var.notification_topic_kms_key_arn

  attach_idempotency_table_policy = local.idempotency_enabled
  idempotency_table_arn           = local.idempotency_table_arn
  idempotency_table_kms_key_arn   = var.idempotency_table_kms_key_arn

  attach_vpc_policy      = local.vpc_enabled
  vpc_subnet_ids         = var.vpc_subnet_ids
  vpc_security_group_ids = var.vpc_security_group_ids

  attach_tracing_policy = var.tracing_mode == "Active"
  policy_statements     = var.role_policy_statements
  tags                  = var.tags
}

# The provider-free settings modules render what the function and the mapping
# get; the local pipeline applies the same two modules on the same tfvars.
module "handler_settings" {
  source = "./modules/handler-settings"

  event_names             = var.event_names
  allowed_event_names     = var.allowed_event_names
  processor               = var.processor
  notification_topic_arn  = local.notification_topic_arn
  idempotency_table_name  = local.handler_idempotency_table_name
  idempotency_ttl_seconds = var.idempotency_ttl_seconds
  log_level               = var.log_level
  service_name            = var.service_name
  metrics_namespace       = var.metrics_namespace
  log_images              = var.log_images
  invalid_record_action   = var.invalid_record_action
  failure_mode            = var.failure_mode
  concurrency             = var.concurrency
  timeout                 = var.timeout
  memory_size             = var.memory_size
  environment_variables   = var.environment_variables
}

module "esm_settings" {
  source = "./modules/esm-settings"

  event_names                        = var.event_names
  stream_view_type                   = var.stream_view_type
  filters                            = var.filters
  raw_filter_patterns                = var.raw_filter_patterns
  filters_per_mapping_quota          = var.filters_per_mapping_quota
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  starting_position                  = var.starting_position
  parallelization_factor             = var.parallelization_factor
  bisect_batch_on_function_error     = var.bisect_batch_on_function_error
  maximum_retry_attempts             = var.maximum_retry_attempts
  maximum_record_age_in_seconds      = var.maximum_record_age_in_seconds
  tumbling_window_in_seconds         = var.tumbling_window_in_seconds
  report_batch_item_failures         = var.report_batch_item_failures
  mapping_metrics                    = var.mapping_metrics
}

module "lambda_function" {
  source = "./modules/lambda-function"

  create                         = var.create
  function_name                  = local.function_name
  role_arn                       = local.role_arn
  filename                       = var.lambda_filename
  settings                       = module.handler_settings.function_settings
  runtime                        = var.runtime
  architecture                   = var.architecture
  reserved_concurrent_executions = var.reserved_concurrent_executions
  tracing_mode                   = var.tracing_mode
  kms_key_arn                    = var.lambda_kms_key_arn
  code_signing_config_arn        = var.code_signing_config_arn
  log_retention_in_days          = var.log_retention_in_days
  log_kms_key_id                 = var.log_kms_key_id

  create_log_group       = var.create_log_group
  log_group_name         = var.log_group_name
  logging_config_enabled = var.logging_config_enabled
  log_format             = var.log_format
  application_log_level  = var.application_log_level
  system_log_level       = var.system_log_level

  alias_name                        = var.alias_name
  alias_function_version            = var.alias_function_version
  provisioned_concurrent_executions = var.provisioned_concurrent_executions
  snap_start                        = var.snap_start
  layers                            = var.layers
  powertools_layer_version          = var.powertools_layer_version
  vpc_subnet_ids                    = var.vpc_subnet_ids
  vpc_security_group_ids            = var.vpc_security_group_ids
  ephemeral_storage_size            = var.ephemeral_storage_size

  tags = var.tags
}

module "event_source_mapping" {
  source = "./modules/event-source-mapping"

  # function_name is the alias: a deploy or a rollback is the alias moving.
  create                     = var.create
  check_required_inputs      = false # a missing stream: outputs.tf, in the root's terms
  function_name              = module.lambda_function.alias_arn
  event_source_arn           = local.stream_arn
  kms_key_arn                = var.event_source_mapping_kms_key_arn
  enabled                    = var.event_source_mapping_enabled
  on_failure_destination_arn = local.on_failure_destination_arn
  settings                   = module.esm_settings.mapping

  tags = var.tags

  # Lambda checks at creation that the role can read the stream and send to
  # the destination, so the policy must be attached first.
  depends_on = [module.execution_role]
}

locals {
  # Every alarm of the pipeline, by name; the destination's own alarm included.
  alarm_arns = merge(
    module.alarms.alarm_arns,
    var.create && var.create_alarms && var.on_failure_destination_type == "sqs" && var.create_failure_queue && var.create_failure_queue_alarm ? { failure_queue = module.failure_queue.alarm_arn } : {},
    var.create && var.create_alarms && var.on_failure_destination_type == "sns" && var.create_failure_topic && var.create_failure_topic_alarm ? { failure_topic = module.failure_topic.alarm_arn } : {},
  )
}

module "alarms" {
  source = "./modules/alarms"

  create                        = var.create && var.create_alarms
  name                          = local.function_name
  function_name                 = module.lambda_function.function_name
  event_source_mapping_uuid     = module.event_source_mapping.uuid
  maximum_record_age_in_seconds = var.maximum_record_age_in_seconds
  event_count_metrics_enabled   = local.event_count_metrics
  iterator_age_warning_seconds  = var.iterator_age_warning_seconds
  iterator_age_critical_seconds = var.iterator_age_critical_seconds
  # The queue and the topic alarm on their own metrics; a bucket has none.
  create_on_failure_deliveries_alarm = var.on_failure_destination_type == "s3"
  alarm_actions                      = local.alarm_actions
  ok_actions                         = local.alarm_ok_actions
  tags                               = var.tags
}

module "dashboard" {
  source = "./modules/dashboard"

  create                        = var.create && var.create_dashboard
  name                          = local.dashboard_name
  function_name                 = module.lambda_function.function_name
  function_timeout_seconds      = var.timeout
  event_source_mapping_uuid     = module.event_source_mapping.uuid
  event_count_metrics_enabled   = local.event_count_metrics
  metrics_namespace             = var.metrics_namespace
  service_name                  = var.service_name
  destination_type              = var.on_failure_destination_type
  destination_name              = local.on_failure_destination_name
  iterator_age_warning_seconds  = module.alarms.iterator_age_warning_seconds
  iterator_age_critical_seconds = module.alarms.iterator_age_critical_seconds
  alarm_arns                    = values(local.alarm_arns)
}

# A warning: without the mapping's EventCount metrics nothing watches an S3
# destination (a bucket has no depth metric), though delivery failures still alarm.
check "s3_destination_watched" {
  assert {
    condition     = !(var.create_alarms && var.on_failure_destination_type == "s3" && !local.event_count_metrics)
    error_message = "on_failure_destination_type is s3 but mapping_metrics does not include \"EventCount\": no alarm fires when batches are parked in the bucket. Set mapping_metrics = [\"EventCount\"]."
  }
}

# A warning: a destination ARN of another type than the one chosen is ignored.
check "destination_arn_matches_type" {
  assert {
    condition = alltrue([
      var.on_failure_destination_type == "sqs" || var.failure_queue_arn == null,
      var.on_failure_destination_type == "sns" || var.failure_topic_arn == null,
      var.on_failure_destination_type == "s3" || var.failure_bucket_arn == null,
    ])
    error_message = "A failure_queue_arn, failure_topic_arn or failure_bucket_arn is set for a destination type other than on_failure_destination_type (${var.on_failure_destination_type}); it is ignored. Set on_failure_destination_type to the type you gave."
  }
}

# A warning, not an error: a processor of your own may only need the keys.
check "handler_gets_new_image" {
  assert {
    condition     = !(var.processor == "handler.processors.user_profile:process_record" && contains(["KEYS_ONLY", "OLD_IMAGE"], var.stream_view_type))
    error_message = "stream_view_type ${var.stream_view_type} records carry no NewImage, but the default user-profile processor reads NewImage: use NEW_IMAGE or NEW_AND_OLD_IMAGES."
  }
}

# A warning: an idempotency record that expires while the mapping may still
# retry the record (up to its maximum age, or the stream's 24 h retention)
# lets the retry take effect twice.
check "idempotency_outlives_retries" {
  assert {
    condition     = !local.idempotency_enabled || var.idempotency_ttl_seconds >= (var.maximum_record_age_in_seconds == -1 ? 86400 : var.maximum_record_age_in_seconds)
    error_message = "idempotency_ttl_seconds (${var.idempotency_ttl_seconds}) is shorter than the time a record can be retried (maximum_record_age_in_seconds, or 86400 when it is -1): raise idempotency_ttl_seconds."
  }
}
