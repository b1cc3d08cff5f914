terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # The root module's constraint; ../../versions.tf says why.
      version = ">= 6.20"
    }
  }
}
