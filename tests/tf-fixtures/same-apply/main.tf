# A caller that creates everything the module can be given in the same apply: the
# table and its stream, the failure destinations, the notification topic, the
# idempotency table, the keys, the alarm topic, the subnets, security group and
# a layer. Every ARN is unknown at plan,
# and no count, for_each or validation of the module may depend on one
# (tests/same_apply.tftest.hcl plans it once per destination type).
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

variable "on_failure_destination_type" {
  type = string
}

resource "aws_kms_key" "data" {
  description = "profiles data"
}

# Stand-ins for the network and the layer a platform team would create in the
# same apply: terraform_data's id is unknown until apply, like their IDs.
resource "terraform_data" "network" {
  input = "profiles"
}

locals {
  subnet_id         = "subnet-${terraform_data.network.id}"
  security_group_id = "sg-${terraform_data.network.id}"
  layer_arn         = "arn:aws:lambda:eu-west-1:111111111111:layer:profiles:${terraform_data.network.id}"
}

resource "aws_dynamodb_table" "profiles" {
  name             = "profiles"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "user_id"
  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  attribute {
    name = "user_id"
    type = "S"
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.data.arn
  }
}

resource "aws_dynamodb_table" "idempotency" {
  name         = "profiles-idempotency"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_sqs_queue" "failures" {
  name              = "profiles-failures"
  kms_master_key_id = aws_kms_key.data.arn
}

resource "aws_sns_topic" "failures" {
  name              = "profiles-failures"
  kms_master_key_id = aws_kms_key.data.arn
}

resource "aws_s3_bucket" "failures" {
  bucket = "profiles-failures-example"
}

resource "aws_sns_topic" "notifications" {
  name = "profiles-notifications"
}

resource "aws_sns_topic" "alarms" {
  name = "profiles-alarms"
}

module "handler" {
  source = "../../.."

  name            = "profiles"
  lambda_filename = "${path.module}/../stub-handler.zip"

  create_table       = false
  stream_arn         = aws_dynamodb_table.profiles.stream_arn
  stream_view_type   = aws_dynamodb_table.profiles.stream_view_type
  stream_kms_key_arn = aws_kms_key.data.arn

  on_failure_destination_type = var.on_failure_destination_type
  create_failure_queue        = false
  failure_queue_arn           = var.on_failure_destination_type == "sqs" ? aws_sqs_queue.failures.arn : null
  failure_queue_kms_key_arn   = var.on_failure_destination_type == "sqs" ? aws_kms_key.data.arn : null
  create_failure_topic        = false
  failure_topic_arn           = var.on_failure_destination_type == "sns" ? aws_sns_topic.failures.arn : null
  failure_topic_kms_key_arn   = var.on_failure_destination_type == "sns" ? aws_kms_key.data.arn : null
  create_failure_bucket       = false
  failure_bucket_arn          = var.on_failure_destination_type == "s3" ? aws_s3_bucket.failures.arn : null

  create_notification_topic = false
  notification_topic_arn    = aws_sns_topic.notifications.arn

  create_idempotency_table = false
  idempotency_table_arn    = aws_dynamodb_table.idempotency.arn

  create_alarm_topic = false
  alarm_actions      = [aws_sns_topic.alarms.arn]

  event_source_mapping_kms_key_arn = aws_kms_key.data.arn
  lambda_kms_key_arn               = aws_kms_key.data.arn
  log_kms_key_id                   = aws_kms_key.data.arn
  notification_topic_kms_key_arn   = aws_kms_key.data.arn
  idempotency_table_kms_key_arn    = aws_kms_key.data.arn
  vpc_subnet_ids                   = [local.subnet_id]
  vpc_security_group_ids           = [local.security_group_id]
  layers                           = [local.layer_arn]
  mapping_metrics                  = ["EventCount"]
}

output "filter_patterns" {
  value = module.handler.filter_patterns
}
