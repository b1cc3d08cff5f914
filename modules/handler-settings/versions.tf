# Deliberately provider-free: the local worker runs `terraform apply` on this
# module alone, offline, to run the handler with the function's exact settings.
terraform {
  required_version = ">= 1.6"
}
