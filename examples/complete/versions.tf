terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # A root module pins the provider's major version (the module itself
      # only asks for >= 6.20); commit the .terraform.lock.hcl init writes.
      version = "~> 6.20"
    }
  }
}
