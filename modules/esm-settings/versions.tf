# Deliberately provider-free: the local poller runs `terraform apply` on this
# module alone, offline, to obtain the very settings the real mapping gets.
terraform {
  required_version = ">= 1.6"
}
