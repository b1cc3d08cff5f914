"""``make bench`` programs: handler throughput, cold init and zip size; the local pipeline."""
