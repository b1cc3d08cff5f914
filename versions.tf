terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # A minimum and no upper bound: a reusable module states the oldest
      # provider it works with, and the root module that calls it pins (~> and
      # a committed .terraform.lock.hcl).
      # - 6.0 gave data.aws_region its `region` attribute (`name` is deprecated).
      # - 6.20 is the first release known to accept runtime = "python3.14"
      #   (hashicorp/terraform-provider-aws#44984); the runtime variable allows it.
      # - 7.x is allowed: no 7.x release or upgrade guide exists as this is
      #   written, and the provider deprecates in one major what it removes in
      #   the next. Nothing the module sets is deprecated in 6.x (checked against
      #   the 6.47 schema, where only aws_iam_role's inline_policy and
      #   managed_policy_arns, aws_dynamodb_table's global_secondary_index
      #   hash_key/range_key and data.aws_region's name are). Read the 7.0
      #   upgrade guide for the resources listed in README.md before you move a
      #   root module to it.
      version = ">= 6.20"
    }
  }
}
