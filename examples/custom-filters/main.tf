provider "aws" {
  region = "us-east-1"
}

# Invoke the function only for orders that matter, decided by Lambda's event
# filtering before any invocation (and so before any cost).
module "orders" {
  source = "../../"

  name     = "orders"
  hash_key = "order_id"

  event_names = ["INSERT", "MODIFY"]

  filters = [
    # New orders that are paid and not test orders.
    {
      event_names = ["INSERT"]
      new_image = {
        status   = { type = "S", equals = ["PAID", "CAPTURED"] }
        channel  = { type = "S", anything_but = ["test"] }
        priority = { type = "BOOL", equals = ["true"] }
      }
    },
    # Orders that move from PAID to REFUNDED.
    {
      event_names = ["MODIFY"]
      old_image   = { status = { type = "S", equals = ["PAID"] } }
      new_image   = { status = { type = "S", equals = ["REFUNDED"] } }
    },
    # Any change to an enterprise customer's order, by key prefix.
    {
      keys = { order_id = { type = "S", prefix = "ENT-" } }
    },
  ]

  # The handler's own defensive check matches the filter's event names.
  allowed_event_names = ["INSERT", "MODIFY"]
  processor           = "handler.processors.user_profile:process_record"
}
