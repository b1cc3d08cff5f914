locals {
  create_key = var.create && var.create_kms_key
  # The created key, else the caller's (whose key policy must admit CloudWatch),
  # else none: an unencrypted topic, by the caller's choice.
  kms_key_arn = local.create_key ? aws_kms_key.this[0].arn : var.kms_key_arn

  account_id = try(data.aws_caller_identity.this[0].account_id, "")
  partition  = try(data.aws_partition.this[0].partition, "aws")
  region     = try(data.aws_region.this[0].region, "")
}

data "aws_caller_identity" "this" {
  count = var.create ? 1 : 0
}

data "aws_partition" "this" {
  count = var.create ? 1 : 0
}

data "aws_region" "this" {
  count = var.create ? 1 : 0
}

# CloudWatch publishes alarm notifications as the cloudwatch.amazonaws.com
# service principal, so an encrypted topic needs a customer managed key whose
# key policy lets that principal use it (Amazon SNS Developer Guide, "Key
# management": enable compatibility between event sources from AWS services
# and encrypted topics). The AWS managed key alias/aws/sns has a policy nobody
# can change, so alarm notifications to a topic encrypted with it are dropped.
resource "aws_kms_key" "this" {
  count = local.create_key ? 1 : 0

  description             = "Encrypts the alarm topic ${var.name}; CloudWatch may use it to publish alarm notifications."
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_in_days

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      # The account administers the key through IAM policies (the KMS default
      # key policy statement); without it the key could not be managed at all.
      {
        Sid       = "AccountAdministersKey"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchPublishesAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
      },
    ]
  })

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  count = local.create_key ? 1 : 0

  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this[0].key_id
}

resource "aws_sns_topic" "this" {
  count = var.create ? 1 : 0
  #checkov:skip=CKV_AWS_26:Encrypted by default (create_kms_key); unencrypted only when the caller sets create_kms_key = false without kms_key_arn, which alarm notifications tolerate.

  name              = var.name
  kms_master_key_id = local.kms_key_arn

  tags = var.tags
}

# Lets this account's alarms publish (and no other account's: the confused
# deputy guard CloudWatch's SNS troubleshooting guide recommends). Principals
# of the account keep their IAM-granted access to the topic.
resource "aws_sns_topic_policy" "this" {
  count = var.create ? 1 : 0

  arn = aws_sns_topic.this[0].arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CloudWatchPublishesAlarms"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.this[0].arn
      Condition = {
        ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:*" }
        StringEquals = { "aws:SourceAccount" = local.account_id }
      }
    }]
  })
}
