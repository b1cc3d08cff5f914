# A caller that creates the function's role itself, in the same apply, and
# gives its ARN to the module: the ARN is unknown at plan (tests/function_adoption).
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

resource "aws_iam_role" "handler" {
  name = "platform-stream-handler"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["sts:AssumeRole"], Principal = { Service = ["lambda.amazonaws.com"] } }]
  })
}

module "handler" {
  source = "../../.."

  name            = "profiles"
  lambda_filename = "${path.module}/../stub-handler.zip"
  create_role     = false
  role_arn        = aws_iam_role.handler.arn
}

output "filter_patterns" {
  value = module.handler.filter_patterns
}

output "role_policy_json" {
  value = module.handler.role_policy_json
}
