provider "aws" {
  region = "us-east-1"
}

# Attach the handler to a table managed elsewhere: the module creates no
# table, only the function, role, mapping and failure queue.
data "aws_dynamodb_table" "existing" {
  name = var.table_name
}

locals {
  # The module's name is 1-50 letters, digits, - and _; a table name may be
  # 255 characters of letters, digits, _ . and -. So the derived name swaps
  # every other character for - and keeps 43 characters before "-stream".
  name = coalesce(var.name, "${substr(replace(var.table_name, "/[^A-Za-z0-9_-]/", "-"), 0, 43)}-stream")
}

module "stream_handler" {
  source = "../../"

  name            = local.name
  lambda_filename = var.lambda_filename

  create_table     = false
  stream_arn       = data.aws_dynamodb_table.existing.stream_arn
  stream_view_type = data.aws_dynamodb_table.existing.stream_view_type

  # A table encrypted with a customer managed key encrypts its stream with it:
  # the role then needs kms:Decrypt on that key to read the stream.
  stream_kms_key_arn = var.stream_kms_key_arn

  # Start with records written from now on rather than the last 24 hours.
  starting_position = "LATEST"
}
