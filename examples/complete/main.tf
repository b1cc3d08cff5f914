provider "aws" {
  region = "us-east-1"
}

# A user-profile table whose inserts (and only inserts) reach the packaged
# handler, which validates each new profile and publishes a notification.
# Run `make package` first: the module deploys build/ddb-stream-handler.zip.
module "user_profiles" {
  source = "../../"

  name            = "user-profiles"
  lambda_filename = var.lambda_filename

  # Table with Streams on (NEW_AND_OLD_IMAGES), PITR, TTL on expires_at.
  hash_key           = "user_id"
  ttl_attribute_name = "expires_at"

  # Insert-only is the default; spelled out here for the reader.
  event_names = ["INSERT"]

  # Extras the user-profile processor uses.
  create_notification_topic = true
  create_idempotency_table  = true

  # Small batches, bounded retries; failures park in the SQS queue. Every
  # alarm (iterator age, errors, throttles, delivery failures, queue depth)
  # notifies the alarm topic the module creates, encrypted with a customer
  # managed key CloudWatch may use (not alias/aws/sns, which it cannot).
  batch_size             = 25
  maximum_retry_attempts = 3
  create_alarm_topic     = true

  log_level             = "INFO"
  log_retention_in_days = 30

  tags = {
    Project = "ddb-stream-handler-example"
  }
}
