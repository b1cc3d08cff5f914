resource "aws_dynamodb_table" "this" {
  count = var.create ? 1 : 0

  name                        = var.name
  billing_mode                = var.billing_mode
  read_capacity               = var.billing_mode == "PROVISIONED" ? var.read_capacity : null
  write_capacity              = var.billing_mode == "PROVISIONED" ? var.write_capacity : null
  hash_key                    = var.hash_key
  range_key                   = var.range_key
  table_class                 = var.table_class
  deletion_protection_enabled = var.deletion_protection_enabled

  # The stream is the point of this table; it has no off switch here.
  stream_enabled   = true
  stream_view_type = var.stream_view_type

  attribute {
    name = var.hash_key
    type = var.hash_key_type
  }

  dynamic "attribute" {
    for_each = var.range_key == null ? [] : [var.range_key]
    content {
      name = attribute.value
      type = var.range_key_type
    }
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery_enabled
  }

  # Always on: without kms_key_arn DynamoDB uses the AWS managed key.
  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  dynamic "ttl" {
    for_each = var.ttl_attribute_name == null ? [] : [var.ttl_attribute_name]
    content {
      attribute_name = ttl.value
      enabled        = true
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = var.billing_mode != "PROVISIONED" || (var.read_capacity != null && var.write_capacity != null)
      error_message = "billing_mode PROVISIONED needs read_capacity and write_capacity; set both or use PAY_PER_REQUEST."
    }

    precondition {
      condition     = var.range_key == null || var.range_key != var.hash_key
      error_message = "range_key must differ from hash_key."
    }
  }
}
