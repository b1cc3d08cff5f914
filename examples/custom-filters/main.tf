provider "aws" {
  region = "us-east-1"
}

# Invoke the function only for the new profiles that matter, decided by
# Lambda's event filtering before any invocation (and so before any cost).
module "user_profiles" {
  source = "../../"

  name            = "user-profiles-filtered"
  lambda_filename = var.lambda_filename
  hash_key        = "user_id"

  # Patterns are ORed; the conditions inside one pattern are ANDed. Each
  # pattern also carries eventName = INSERT (event_names, the default).
  filters = [
    # Active or pending profiles that have an email, unless marked as tests.
    {
      new_image = {
        status = { type = "S", equals = ["active", "pending"] }
        email  = { type = "S", exists = true }
        source = { type = "S", anything_but = ["load-test"] }
      }
    },
    # Every profile of a VIP user, whatever its attributes.
    {
      keys = { user_id = { type = "S", prefix = "vip-" } }
    },
    # Profiles flagged for review.
    {
      new_image = { needs_review = { type = "BOOL", equals = ["true"] } }
    },
  ]
}
