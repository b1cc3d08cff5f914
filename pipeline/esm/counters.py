"""What the mapping did, counted by every shard thread under one lock."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from pipeline.esm.health import EventCounts


@dataclass
class Counters:
    """The mapping's running totals (the demo's summary, ``run``'s final report, the tests)."""

    records_seen: int = 0  # PolledEventCount
    records_filtered_out: int = 0  # FilteredOutEventCount
    records_delivered: int = 0  # distinct records handed to the function at least once
    records_succeeded: int = 0
    records_parked: int = 0  # given up and sent to the on-failure destination (OnFailureDestinationDelivered)
    records_discarded: int = 0  # given up with no destination configured (DroppedEventCount)
    invoked_events: int = 0  # records per invocation, retries included (InvokedEventCount)
    failed_invoke_events: int = 0  # records of failed invocations (FailedInvokeEventCount)
    batches: int = 0  # batches formed from the stream (bisected halves and retries excluded)
    invocations: int = 0
    retries: int = 0
    bisects: int = 0
    partial_failures: int = 0
    invalid_responses: int = 0
    function_errors: int = 0
    timeouts: int = 0
    crashes: int = 0
    init_errors: int = 0  # invocations whose execution environment failed its init
    on_failure_messages: int = 0
    trim_restarts: int = 0  # a checkpoint was past the retention; reading restarted at the trim horizon
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **deltas: int) -> None:
        """Increment several counters atomically."""
        with self.lock:
            for name, delta in deltas.items():
                setattr(self, name, getattr(self, name) + delta)

    def events(self) -> EventCounts:
        """The totals under the meaning of Lambda's EventCount metrics."""
        with self.lock:
            return EventCounts(
                polled=self.records_seen,
                filtered_out=self.records_filtered_out,
                invoked=self.invoked_events,
                failed_invoke=self.failed_invoke_events,
                dropped=self.records_discarded,
                on_failure_destination_delivered=self.records_parked,
            )

    def as_dict(self) -> dict[str, int]:
        """Plain numbers, for printing and assertions."""
        with self.lock:
            return {name: value for name, value in vars(self).items() if isinstance(value, int)}
