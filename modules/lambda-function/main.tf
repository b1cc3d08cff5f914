locals {
  # The default is where `make package` writes the zip in this repository.
  filename   = var.filename == null ? "${path.module}/../../build/ddb-stream-handler.zip" : var.filename
  zip_exists = fileexists(local.filename)
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:A KMS key is optional (log_kms_key_id); without one CloudWatch Logs encrypts with service-managed keys.
  #checkov:skip=CKV_AWS_338:Retention is the caller's choice (log_retention_in_days); the 30-day default limits how long personal data in logs is kept.
  count = var.create ? 1 : 0

  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.log_kms_key_id

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:Stream-invoked: failed batches go to the event source mapping's on-failure destination; a function DLQ only serves asynchronous invocations.
  #checkov:skip=CKV_AWS_117:The function only calls AWS APIs (SNS, DynamoDB); running it in a VPC would need NAT or endpoints and adds nothing here.
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
  layers        = var.layers

  filename         = local.filename
  source_code_hash = local.zip_exists ? filebase64sha256(local.filename) : null

  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = var.kms_key_arn
  code_signing_config_arn        = var.code_signing_config_arn

  environment {
    variables = var.settings.environment_variables
  }

  tracing_config {
    mode = var.tracing_mode
  }

  # Log to the group created above (with its retention), so Lambda does not
  # create one that never expires.
  logging_config {
    log_format = var.log_format
    log_group  = aws_cloudwatch_log_group.this[0].name
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.role_arn != null
      error_message = "role_arn is required: pass the execution role ARN (modules/execution-role output role_arn)."
    }

    precondition {
      condition     = local.zip_exists
      error_message = "The deployment zip ${local.filename} does not exist: run `make package` (or pass filename = the path of your own zip)."
    }
  }
}
