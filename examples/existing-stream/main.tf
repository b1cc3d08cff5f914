provider "aws" {
  region = "us-east-1"
}

# Attach the handler to a table managed elsewhere: the module creates no
# table, only the function, role, mapping and failure queue.
data "aws_dynamodb_table" "existing" {
  name = var.table_name
}

module "stream_handler" {
  source = "../../"

  name            = "${var.table_name}-stream-handler"
  lambda_filename = var.lambda_filename

  create_table     = false
  stream_arn       = data.aws_dynamodb_table.existing.stream_arn
  stream_view_type = data.aws_dynamodb_table.existing.stream_view_type

  # Start with records written from now on rather than the last 24 hours.
  starting_position = "LATEST"
}
