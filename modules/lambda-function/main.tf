locals {
  # The default is where `make package` writes the zip in this repository.
  filename   = var.filename == null ? "${path.module}/../../build/ddb-stream-handler.zip" : var.filename
  zip_exists = fileexists(local.filename)

  # Without logging_config Lambda writes to /aws/lambda/<function name>, so
  # that is also the default name of the group given or created here.
  default_log_group_name = "/aws/lambda/${var.function_name}"
  log_group_name         = coalesce(var.log_group_name, local.default_log_group_name)
  log_group_arn = (
    var.create_log_group ? try(aws_cloudwatch_log_group.this[0].arn, null) : try(data.aws_cloudwatch_log_group.existing[0].arn, null)
  )

  # Powertools' public layer (docs.powertools.aws.dev, "Lambda Layer"):
  # arn:aws:lambda:{region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-{python_version}-{arch}:{version},
  # with python_version as in python313 and arch arm64 or x86_64.
  powertools_layer = var.powertools_layer_version == null ? [] : [format(
    "arn:%s:lambda:%s:017000801446:layer:AWSLambdaPowertoolsPythonV3-%s-%s:%d",
    try(data.aws_partition.current[0].partition, "aws"),
    try(data.aws_region.current[0].region, ""),
    replace(var.runtime, ".", ""),
    var.architecture,
    var.powertools_layer_version,
  )]
  layers = concat(local.powertools_layer, var.layers)

  vpc_enabled = length(var.vpc_subnet_ids) > 0 || length(var.vpc_security_group_ids) > 0

  # Every rule that spans inputs, as one message per broken rule: the
  # function's precondition reports them all, and output `problems` lists them
  # so that tests can assert which rule fired.
  problems = compact([
    var.role_arn == null ? "role_arn is required: pass the execution role ARN (modules/execution-role output role_arn; role_arn with create_role = false in the root module)." : null,
    !local.zip_exists ? "The deployment zip ${local.filename} does not exist: run `make package`, or point the module at your zip (lambda_filename in the root module, filename here)." : null,
    var.snap_start && var.provisioned_concurrent_executions > 0 ? "snap_start and provisioned_concurrent_executions (${var.provisioned_concurrent_executions}) exclude each other: Lambda SnapStart does not support provisioned concurrency. Keep one of them." : null,
    var.snap_start && var.ephemeral_storage_size > 512 ? "snap_start needs ephemeral_storage_size of at most 512 MB (got ${var.ephemeral_storage_size}): Lambda SnapStart does not support more ephemeral storage." : null,
    var.snap_start && !can(regex("^python3\\.(1[2-9]|[2-9][0-9])$", var.runtime)) ? "snap_start needs Python 3.12 or later (runtime is ${var.runtime}): SnapStart supports no older Python runtime." : null,
    var.provisioned_concurrent_executions > 0 && var.reserved_concurrent_executions >= 0 && var.provisioned_concurrent_executions > var.reserved_concurrent_executions ? "provisioned_concurrent_executions (${var.provisioned_concurrent_executions}) is more than reserved_concurrent_executions (${var.reserved_concurrent_executions}): provisioned concurrency cannot exceed the function's reserved concurrency. Raise the reservation or set it to -1." : null,
    var.log_format != "JSON" && (var.application_log_level != null || var.system_log_level != null) ? "application_log_level and system_log_level need log_format = \"JSON\": Lambda filters log levels of JSON logs only." : null,
    !var.logging_config_enabled && (var.log_format != "Text" || var.application_log_level != null || var.system_log_level != null || local.log_group_name != local.default_log_group_name) ? "logging_config_enabled = false leaves the function on Lambda's defaults (Text logs in ${local.default_log_group_name}): log_format = \"JSON\", the log levels and a log_group_name of your own need logging_config, so remove them or enable it." : null,
    (length(var.vpc_subnet_ids) > 0) != (length(var.vpc_security_group_ids) > 0) ? "vpc_subnet_ids and vpc_security_group_ids go together: Lambda attaches the function to a VPC through both (give both, or neither)." : null,
    length(local.layers) > 5 ? "The function would get ${length(local.layers)} layers (layers${var.powertools_layer_version == null ? "" : " plus the Powertools layer"}); Lambda allows at most 5." : null,
    var.powertools_layer_version != null && try(data.aws_partition.current[0].partition, "aws") != "aws" ? "powertools_layer_version builds the ARN of the layer Powertools publishes in the aws partition (account 017000801446); in ${try(data.aws_partition.current[0].partition, "")} give that partition's layer ARN in layers instead." : null,
  ])
}

data "aws_partition" "current" {
  count = var.create && var.powertools_layer_version != null ? 1 : 0
}

data "aws_region" "current" {
  count = var.create && var.powertools_layer_version != null ? 1 : 0
}

# A group that already exists (the function ran before, or a platform team
# owns it): read, not created, since creating it again fails with
# ResourceAlreadyExistsException. Reading it also fails the plan early when
# the name is wrong.
data "aws_cloudwatch_log_group" "existing" {
  count = var.create && !var.create_log_group ? 1 : 0

  name = local.log_group_name
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:A KMS key is optional (log_kms_key_id); without one CloudWatch Logs encrypts with service-managed keys.
  #checkov:skip=CKV_AWS_338:Retention is the caller's choice (log_retention_in_days); the 30-day default limits how long personal data in logs is kept.
  count = var.create && var.create_log_group ? 1 : 0

  name              = local.log_group_name
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.log_kms_key_id

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:Stream-invoked: failed batches go to the event source mapping's on-failure destination; a function DLQ only serves asynchronous invocations.
  #checkov:skip=CKV_AWS_117:A VPC is optional (vpc_subnet_ids, vpc_security_group_ids): the function only calls AWS APIs (SNS, DynamoDB), which in a VPC needs NAT or endpoints.
  #checkov:skip=CKV_AWS_115:Reserved concurrency is optional (reserved_concurrent_executions); a stream mapping already bounds concurrency to shards x parallelization factor.
  #checkov:skip=CKV_AWS_173:The environment holds names and ARNs, no secrets; it is encrypted at rest with the AWS managed key unless kms_key_arn is set.
  #checkov:skip=CKV_AWS_272:Code signing is optional (code_signing_config_arn) and needs a signing profile the caller owns.
  count = var.create ? 1 : 0

  function_name = var.function_name
  description   = var.description
  role          = var.role_arn
  handler       = var.settings.handler
  runtime       = var.runtime
  architectures = [var.architecture]
  memory_size   = var.settings.memory_size
  timeout       = var.settings.timeout
  layers        = local.layers

  filename         = local.filename
  source_code_hash = local.zip_exists ? filebase64sha256(local.filename) : null

  # Every code or configuration change publishes a version; the alias below
  # moves to it, so a deploy is a version switch and a rollback one apply
  # (alias_function_version).
  publish = true

  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = var.kms_key_arn
  code_signing_config_arn        = var.code_signing_config_arn

  environment {
    variables = var.settings.environment_variables
  }

  tracing_config {
    mode = var.tracing_mode
  }

  dynamic "snap_start" {
    for_each = var.snap_start ? ["PublishedVersions"] : []
    content {
      apply_on = snap_start.value
    }
  }

  dynamic "vpc_config" {
    for_each = local.vpc_enabled ? [1] : []
    content {
      subnet_ids         = var.vpc_subnet_ids
      security_group_ids = var.vpc_security_group_ids
    }
  }

  # Only when it differs from Lambda's 512 MB default, so a partition or
  # region without the setting keeps working untouched.
  dynamic "ephemeral_storage" {
    for_each = var.ephemeral_storage_size == 512 ? [] : [var.ephemeral_storage_size]
    content {
      size = ephemeral_storage.value
    }
  }

  # Log to the group created (with its retention) or given, so Lambda does
  # not create one that never expires. Partitions without advanced logging
  # controls (GovCloud, China) reject the block: logging_config_enabled = false.
  dynamic "logging_config" {
    for_each = var.logging_config_enabled ? [1] : []
    content {
      log_format            = var.log_format
      log_group             = local.log_group_name
      application_log_level = var.log_format == "JSON" ? var.application_log_level : null
      system_log_level      = var.log_format == "JSON" ? var.system_log_level : null
    }
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.this]

  lifecycle {
    precondition {
      condition     = length(local.problems) == 0
      error_message = join("\n", local.problems)
    }
  }
}

# The event source mapping invokes this alias, never $LATEST.
resource "aws_lambda_alias" "this" {
  count = var.create ? 1 : 0

  name             = var.alias_name
  description      = "What the stream's event source mapping invokes: the version published last, or alias_function_version."
  function_name    = aws_lambda_function.this[0].function_name
  function_version = coalesce(var.alias_function_version, aws_lambda_function.this[0].version)
}

# Warm environments for latency-sensitive streams, kept on the alias so they
# follow it to each new version.
resource "aws_lambda_provisioned_concurrency_config" "this" {
  count = var.create && var.provisioned_concurrent_executions > 0 ? 1 : 0

  function_name                     = aws_lambda_alias.this[0].function_name
  qualifier                         = aws_lambda_alias.this[0].name
  provisioned_concurrent_executions = var.provisioned_concurrent_executions
}

# A warning, not an error: Lambda keeps running a deprecated runtime, but after its deprecation date
# it gets no security patches and, soon after, functions on it can no longer be created or updated.
# Dates: the Lambda developer guide's runtimes page (devtools/lambda_runtimes.py holds the same).
locals {
  runtime_deprecation_dates = {
    "python3.12" = "2028-10-31T00:00:00Z"
    "python3.13" = "2029-06-30T00:00:00Z"
    "python3.14" = "2029-06-30T00:00:00Z"
  }
}

check "runtime_not_near_deprecation" {
  assert {
    # 4320h = 180 days, the packager's warning window too.
    condition     = timecmp(plantimestamp(), timeadd(lookup(local.runtime_deprecation_dates, var.runtime, "2100-01-01T00:00:00Z"), "-4320h")) < 0
    error_message = "runtime ${var.runtime} is deprecated by Lambda on ${substr(lookup(local.runtime_deprecation_dates, var.runtime, "?"), 0, 10)} (or within 180 days of it): move to a newer Python runtime and rebuild the zip with make package RUNTIME=..."
  }
}
