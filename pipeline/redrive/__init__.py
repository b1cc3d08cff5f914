"""Redrive: reprocess the batches parked on the on-failure destination, and archive their records."""
