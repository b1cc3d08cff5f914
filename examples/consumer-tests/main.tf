provider "aws" {
  region = "eu-west-1"
}

# A consumer's stack: this module's orders table and pipeline, configured the
# consumer's way, and an idempotency table the consumer already runs for other
# services (created here to keep the example whole). tests/stack.tftest.hcl
# plans and applies it against a mocked provider.
resource "aws_dynamodb_table" "idempotency" {
  #checkov:skip=CKV_AWS_119:The example's table uses the AWS owned key; a real stack passes its customer managed key (and idempotency_table_kms_key_arn).
  #checkov:skip=CKV2_AWS_16:Auto scaling does not apply to on-demand (PAY_PER_REQUEST) tables.
  name         = "shared-idempotency"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  ttl {
    attribute_name = "expiration"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }
}

module "order_events" {
  source = "../../"

  name            = "order-events"
  lambda_filename = var.lambda_filename
  hash_key        = "order_id"

  event_names = ["INSERT", "MODIFY"]
  filters = [
    { new_image = { status = { type = "S", equals = ["PAID"] } } },
  ]

  idempotency_table_arn = aws_dynamodb_table.idempotency.arn

  # A role the platform team owns, or the module's own.
  create_role = var.role_arn == null
  role_arn    = var.role_arn
}
