resource "aws_dynamodb_table" "this" {
  count = var.create ? 1 : 0

  name         = var.name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = var.key_attribute

  attribute {
    name = var.key_attribute
    type = "S"
  }

  ttl {
    attribute_name = var.expiry_attribute
    enabled        = true
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery_enabled
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}
