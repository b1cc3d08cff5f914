locals {
  # Where Lambda writes on-failure objects: aws/lambda/<mapping UUID>/<shardId>/YYYY/MM/DD/...
  # (the S3 destination record, batch included under "payload").
  parked_prefix = "aws/lambda/"
}

resource "aws_s3_bucket" "this" {
  count = var.create ? 1 : 0
  #checkov:skip=CKV_AWS_18:Server access logs need a separate log bucket the caller owns; CloudTrail data events audit object access without one.
  #checkov:skip=CKV_AWS_144:Cross-region replication is a disaster-recovery choice for the caller; the objects are recoverable from versioning within the region.
  #checkov:skip=CKV_AWS_145:SSE-S3 by default keeps the role's grant to s3:PutObject alone; a customer managed key is one variable away (kms_key_arn).
  #checkov:skip=CKV2_AWS_62:Event notifications are optional consumers (an automatic redrive), not part of keeping the batch.

  bucket        = var.name
  force_destroy = var.force_destroy

  tags = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  count = var.create ? 1 : 0

  bucket                  = aws_s3_bucket.this[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# ACLs off: the bucket owner owns every object, including those Lambda writes.
resource "aws_s3_bucket_ownership_controls" "this" {
  count = var.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  count = var.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    # An S3 Bucket Key cuts the KMS requests (and their cost) of SSE-KMS.
    bucket_key_enabled = var.kms_key_arn != null
  }
}

# Versioning keeps an overwritten or deleted batch recoverable.
resource "aws_s3_bucket_versioning" "this" {
  count = var.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count = var.create ? 1 : 0
  #checkov:skip=CKV_AWS_300:The noncurrent-versions rule (whole bucket) aborts incomplete uploads after 1 day; checkov misreads a rule list that mixes dynamic and static rule blocks.

  bucket = aws_s3_bucket.this[0].id

  # Parked batches are the only copy once the stream's 24 hours are over:
  # kept until redriven unless the caller sets an expiry.
  dynamic "rule" {
    for_each = var.expiration_days == null ? [] : [var.expiration_days]
    content {
      id     = "expire-parked-batches"
      status = "Enabled"
      filter {
        prefix = local.parked_prefix
      }
      expiration {
        days = rule.value
      }
    }
  }

  # A redriven batch has taken effect; its object is kept a while for audit.
  dynamic "rule" {
    for_each = var.redriven_expiration_days == null ? [] : [var.redriven_expiration_days]
    content {
      id     = "expire-redriven-batches"
      status = "Enabled"
      filter {
        prefix = var.redriven_prefix
      }
      expiration {
        days = rule.value
      }
    }
  }

  rule {
    id     = "noncurrent-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }
    expiration {
      expired_object_delete_marker = true
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  # Rules apply to versions written once versioning is on.
  depends_on = [aws_s3_bucket_versioning.this]
}

# TLS only: every request over plain HTTP is denied, whoever makes it.
resource "aws_s3_bucket_policy" "this" {
  count = var.create ? 1 : 0

  bucket = aws_s3_bucket.this[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.this[0].arn, "${aws_s3_bucket.this[0].arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })

  # A policy put before the public access block could be judged public.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
