"""The local event source mapping: poller, shard processing, retries, checkpoints, on-failure records."""
