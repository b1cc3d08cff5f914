"""The local event source mapping: stream reader, poller, worker, on-failure, filters, CLI."""
