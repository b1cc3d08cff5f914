"""The mapping's health figures, as Lambda reports them for a stream event source mapping.

Event counts carry the meaning of Lambda's ``EventCount`` metrics (Lambda developer guide,
"Event source mapping metrics"), so a local run reads like the mapping's CloudWatch graphs:

* ``PolledEventCount``: records read from the stream;
* ``FilteredOutEventCount``: records the filter criteria dropped;
* ``InvokedEventCount``: records sent to the function, once per invocation (a retried record
  counts again);
* ``FailedInvokeEventCount``: records of invocations that failed - an error, a timeout, a crash,
  an init error, an invalid response, or a non-empty ``batchItemFailures`` - once per invocation;
* ``DroppedEventCount``: records given up (retries exhausted or too old) that did NOT reach an
  on-failure destination;
* ``OnFailureDestinationDeliveredEventCount``: records given up and sent to the destination.

Per shard: ``IteratorAge`` as Lambda defines it (at the last invocation, the age of its last
record: from when the stream got it to when it was sent to the function) and the records behind:
read but not yet done, exact once the shard is caught up, a lower bound while it is still reading
a backlog (DynamoDB Streams has no lag API).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

#: CloudWatch metric name -> the field of :class:`EventCounts` with its meaning.
METRIC_NAMES: Final = {
    "PolledEventCount": "polled",
    "FilteredOutEventCount": "filtered_out",
    "InvokedEventCount": "invoked",
    "FailedInvokeEventCount": "failed_invoke",
    "DroppedEventCount": "dropped",
    "OnFailureDestinationDeliveredEventCount": "on_failure_destination_delivered",
}


@dataclass(frozen=True)
class EventCounts:
    """Running totals with the semantics of Lambda's EventCount metrics (see the module doc)."""

    polled: int
    filtered_out: int
    invoked: int
    failed_invoke: int
    dropped: int
    on_failure_destination_delivered: int

    def as_metrics(self) -> dict[str, int]:
        """CloudWatch metric name -> value."""
        return {metric: getattr(self, name) for metric, name in METRIC_NAMES.items()}


@dataclass(frozen=True)
class ShardHealth:
    """One shard as the mapping sees it now."""

    shard_id: str
    checkpoint: str | None
    #: IteratorAge of the shard's last invocation, in seconds (None: not invoked yet).
    iterator_age_seconds: float | None
    #: Records read but not yet done (processed, filtered out or given up).
    records_behind: int
    #: The reader has reached the shard's current end: ``records_behind`` is exact.
    caught_up: bool
    #: Batches of the shard being processed right now (at most ParallelizationFactor).
    batches_in_flight: int
    finished: bool


@dataclass(frozen=True)
class Health:
    """A snapshot of the whole mapping (:meth:`pipeline.esm.poller.Poller.health`)."""

    shards: tuple[ShardHealth, ...]
    events: EventCounts

    @property
    def iterator_age_seconds(self) -> float | None:
        """The mapping's IteratorAge: the maximum over its shards."""
        ages = [shard.iterator_age_seconds for shard in self.shards if shard.iterator_age_seconds is not None]
        return max(ages) if ages else None

    @property
    def records_behind(self) -> int:
        """Records read and not yet done, over every shard."""
        return sum(shard.records_behind for shard in self.shards)

    @property
    def caught_up(self) -> bool:
        """Every unfinished shard has reached its end (``records_behind`` is exact)."""
        return all(shard.caught_up or shard.finished for shard in self.shards)


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _behind(count: int, exact: bool) -> str:
    return f"{count}" if exact else f">={count}"


def format_status_line(health: Health) -> str:
    """One line for a long ``run``: where the mapping stands and what it did so far."""
    events = health.events
    open_shards = [shard for shard in health.shards if not shard.finished]
    return (
        f"status: {len(open_shards)} shard(s), iterator age {_age(health.iterator_age_seconds)}, "
        f"{_behind(health.records_behind, health.caught_up)} record(s) behind, "
        f"{sum(shard.batches_in_flight for shard in health.shards)} batch(es) in flight | "
        f"polled {events.polled}, filtered out {events.filtered_out}, invoked {events.invoked}, "
        f"failed {events.failed_invoke}, dropped {events.dropped}, "
        f"to destination {events.on_failure_destination_delivered}"
    )


def format_summary(health: Health) -> list[str]:
    """Lines for a summary (the demo's): the event counts under their metric names, then each shard."""
    width = max(len(name) for name in METRIC_NAMES)
    lines = [f"{metric:<{width}}  {value:>7}" for metric, value in health.events.as_metrics().items()]
    for shard in health.shards:
        state = "finished" if shard.finished else ("caught up" if shard.caught_up else "reading")
        lines.append(
            f"{shard.shard_id}: iterator age {_age(shard.iterator_age_seconds)}, "
            f"{_behind(shard.records_behind, shard.caught_up or shard.finished)} record(s) behind, "
            f"checkpoint {shard.checkpoint or '-'} ({state})"
        )
    return lines
