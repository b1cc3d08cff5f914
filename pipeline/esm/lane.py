"""One lane of a shard: the batches of some item keys, processed one at a time, in order.

ParallelizationFactor N gives a shard N lanes, each with its own thread and execution
environment, so up to N batches of the shard are in flight at once. A record goes to the lane
its item key (``dynamodb.Keys``: partition and sort key) hashes to (:func:`lane_of`), so the
records of an item are always in one lane, in stream order, and never in two concurrent batches
- "in-order processing at the item (partition and sort key) level", as the Lambda developer
guide puts it. With N = 1 there is one lane: the shard's records in order.

In a lane (semantics from the Lambda developer guide and the AWS recordings in
``tests/pipeline/fixtures``):

* a batch holds up to ``BatchSize`` records within the 6 MB payload limit; with
  ``MaximumBatchingWindowInSeconds`` 0 the function is invoked as soon as the shard's reader has
  nothing more right now, otherwise records are gathered until the batch is full or the window
  (started when the previous invocation finished) ends;
* after each invocation :func:`pipeline.esm.retry.judge` says what is left: a partial failure
  is done up to the LOWEST failed record and the rest is a new batch (its own retry budget);
* a whole-batch failure with BisectBatchOnFunctionError splits the batch in two, processed in
  order - a split is not a retry; a batch that cannot be split is retried up to
  ``MaximumRetryAttempts`` (-1: until the record age limit), with a short backoff;
* records older than ``MaximumRecordAgeInSeconds`` are given up before an invocation;
* a given-up batch goes to the on-failure destination as AWS's record (its DDBStreamBatchInfo
  range spans the lane's records; with N > 1 records of other lanes lie between them, and
  ``batchSize`` counts the batch's own), then the lane goes on.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pipeline.esm.batch import MAX_PAYLOAD_BYTES, PAYLOAD_OVERHEAD, Batch, ParkedBatch, StreamEntry
from pipeline.esm.events import Invoked, Parked
from pipeline.esm.on_failure import Condition, DDBStreamBatchInfo, OnFailureMessage, ResponseContext
from pipeline.esm.retry import Failure, judge
from pipeline.runtime.invoker import Invoker
from pipeline.stream.shards import seq_key

if TYPE_CHECKING:
    from pipeline.esm.shard import ShardProcessor

_FAILURE_COUNTER = {
    Failure.PARTIAL: "partial_failures",
    Failure.INVALID_RESPONSE: "invalid_responses",
    Failure.FUNCTION_ERROR: "function_errors",
    Failure.TIMEOUT: "timeouts",
    Failure.CRASH: "crashes",
}


def item_key(record: Mapping[str, Any]) -> str:
    """The record's item key (``dynamodb.Keys``, Lambda's shape) as canonical JSON."""
    keys = record.get("dynamodb", {}).get("Keys", {})
    return json.dumps(keys, sort_keys=True, separators=(",", ":"))


def lane_of(record: Mapping[str, Any], factor: int) -> int:
    """The lane of a record: SHA-256 of its canonical item key, as an integer, modulo the factor."""
    if factor <= 1:
        return 0
    digest = hashlib.sha256(item_key(record).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % factor


def _to_milliseconds(moment: datetime) -> datetime:
    """The message carries milliseconds; keep the in-memory copy equal to what is sent."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class Lane:
    """Records of some item keys of one shard and the thread that drives their batches."""

    def __init__(self, shard: ShardProcessor, index: int) -> None:
        self.shard = shard
        self.index = index
        self.pending: deque[StreamEntry] = deque()
        self.pending_bytes = 0
        #: The batch being processed (None: idle); read by the shard to save retry counts.
        self.current: Batch | None = None
        self._invoker: Invoker | None = None
        self._window_started: float | None = None
        name = f"shard-{shard.shard.shard_id[-8:]}-lane{index}"
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    # -- forming batches (called with the shard's lock held) ---------------------------------------

    def add(self, entry: StreamEntry) -> None:
        """A matching record routed to this lane."""
        self.pending.append(entry)
        self.pending_bytes += entry.size + 1

    def _full(self) -> bool:
        return (
            len(self.pending) >= self.shard.context.settings.batch_size
            or PAYLOAD_OVERHEAD + self.pending_bytes > MAX_PAYLOAD_BYTES
        )

    def _wait_seconds(self) -> float | None:
        """0: a batch is ready; > 0: the batching window's remaining seconds; None: wait for records."""
        if not self.pending:
            return None
        if self._full() or self.shard.ended:
            return 0.0
        window = self.shard.context.settings.maximum_batching_window_in_seconds
        if window <= 0:
            return None if self.shard.more_coming() else 0.0
        now = time.monotonic()  # a duration: immune to the injectable wall clock used for record ages
        if self._window_started is None:
            self._window_started = now
        return max(0.0, window - (now - self._window_started))

    def _take_batch(self) -> Batch:
        """Up to BatchSize records within the 6 MB payload limit (a saved in-flight batch as it was)."""
        shard = self.shard
        restored = shard.restored.pop(self.pending[0].sequence_number, None)
        last = seq_key(restored.end_sequence_number) if restored else None
        entries: list[StreamEntry] = []
        payload = PAYLOAD_OVERHEAD
        while self.pending and len(entries) < shard.context.settings.batch_size:
            entry = self.pending[0]
            if last is not None and seq_key(entry.sequence_number) > last:
                break
            if entries and payload + entry.size > MAX_PAYLOAD_BYTES:
                break
            self.pending.popleft()
            self.pending_bytes -= entry.size + 1
            entries.append(entry)
            payload += entry.size + 1
        shard.context.counters.add(batches=1)
        return Batch(entries, restored.attempts if restored else 0)

    # -- the loop ----------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._loop()
        except BaseException as exc:  # reported by the poller; the shard stops where it is
            self.shard.fail(exc)
        finally:
            if self._invoker is not None:
                self._invoker.close()

    def _loop(self) -> None:
        shard = self.shard
        poll = shard.context.poll_interval
        while True:
            with shard.lock:
                while True:
                    if shard.stopping():
                        return
                    wait = self._wait_seconds()
                    if wait == 0:
                        break
                    shard.lock.wait(poll if wait is None else min(wait, poll))
                batch = self._take_batch()
                self.current = batch
            if not self._process(batch):
                return  # stopped with the batch unfinished: its saved retry count stays
            with shard.lock:
                self.current = None
                self._window_started = None  # the next window starts when this invocation finished
                shard.save()
                shard.lock.notify_all()

    # -- one batch, with retries, bisection and partial failures ---------------------------------

    def _process(self, batch: Batch) -> bool:
        """Drive a batch to success or the failure destination; False if stopped before that."""
        work: deque[Batch] = deque([batch])
        while work:
            if self.shard.stopping():
                return False  # not done: the next run reads these records again
            current = work.popleft()
            with self.shard.lock:
                self.current = current
            follow_up = self._attempt(current)
            work.extendleft(reversed(follow_up))
        return True

    def _attempt(self, batch: Batch) -> list[Batch]:
        """One invocation of ``batch``; returns the batches still to process, in order."""
        shard = self.shard
        context = shard.context
        settings = context.settings
        expired = self._expired_prefix(batch)
        if expired:
            rest = batch.entries[len(expired) :]
            self._give_up(
                Batch(expired, batch.attempts), Condition.RECORD_AGE_EXCEEDED, None, request_id=None
            )
            return [Batch(rest, batch.attempts)] if rest else []
        if batch.attempts > 0:
            # A short exponential backoff, as Lambda does between retries of a stream batch.
            context.stop_event.wait(min(1.0, context.retry_base_delay * 2 ** (batch.attempts - 1)))
            if shard.stopping():
                return [batch]
            context.counters.add(retries=1)
        first_delivery = [entry for entry in batch.entries if not entry.delivered]
        for entry in first_delivery:
            entry.delivered = True
        shard.iterator_age = max(0.0, context.clock() - batch.entries[-1].created)
        result = self._invoker_for().invoke(batch.event())
        batch.attempts += 1
        outcome = judge(result, batch.sequence_numbers, settings.report_batch_item_failures)
        failed = 0 if outcome.succeeded else len(batch.entries)
        context.counters.add(
            invocations=1,
            records_delivered=len(first_delivery),
            invoked_events=len(batch.entries),
            failed_invoke_events=failed,
            init_errors=int(result.during_init),
        )
        context.emit(Invoked(shard.shard.shard_id, tuple(batch.entries), result))
        if outcome.succeeded:
            context.counters.add(records_succeeded=len(batch.entries))
            shard.done(batch.entries)
            return []
        context.counters.add(**{_FAILURE_COUNTER[outcome.failure]: 1})
        index = outcome.retry_from or 0
        if outcome.failure is Failure.PARTIAL and index > 0:
            context.counters.add(records_succeeded=index)
            shard.done(batch.entries[:index])
            # The checkpoint moved: what is left is a new batch with its own retry budget.
            return [Batch(batch.entries[index:])]
        if outcome.whole_batch_failed and settings.bisect_batch_on_function_error and len(batch.entries) > 1:
            middle = len(batch.entries) // 2
            context.counters.add(bisects=1)
            return [Batch(batch.entries[:middle]), Batch(batch.entries[middle:])]
        limit = settings.maximum_retry_attempts
        if limit >= 0 and batch.attempts > limit:
            self._give_up(
                batch, Condition.RETRY_ATTEMPTS_EXHAUSTED, result.function_error, request_id=result.request_id
            )
            return []
        with shard.lock:
            shard.save()  # the retry count survives a restart
        return [batch]

    def _expired_prefix(self, batch: Batch) -> list[StreamEntry]:
        limit = self.shard.context.settings.maximum_record_age_in_seconds
        if limit < 0:
            return []
        now = self.shard.context.clock()
        expired: list[StreamEntry] = []
        for entry in batch.entries:
            if now - entry.created <= limit:
                break
            expired.append(entry)
        return expired

    def _give_up(
        self, batch: Batch, condition: Condition, function_error: str | None, request_id: str | None
    ) -> None:
        shard = self.shard
        context = shard.context
        entries = batch.entries
        info = DDBStreamBatchInfo(
            shard_id=shard.shard.shard_id,
            start_sequence_number=entries[0].sequence_number,
            end_sequence_number=entries[-1].sequence_number,
            approximate_arrival_of_first_record=datetime.fromtimestamp(entries[0].created, UTC),
            approximate_arrival_of_last_record=datetime.fromtimestamp(entries[-1].created, UTC),
            batch_size=len(entries),
            stream_arn=context.stream_arn,
        )
        message = OnFailureMessage(
            request_id=request_id or str(uuid.uuid4()),
            function_arn=context.function_arn,
            condition=condition,
            # AWS reports at least 1 even for records given up before any invocation.
            approximate_invoke_count=max(1, batch.attempts),
            response_context=None
            if condition is Condition.RECORD_AGE_EXCEEDED
            else ResponseContext(function_error=function_error),
            timestamp=_to_milliseconds(datetime.fromtimestamp(context.clock(), UTC)),
            batch_info=info,
        )
        if context.destination is not None:
            # A destination that refuses raises: the shard stops here, nothing is checkpointed past it.
            context.destination.send(message, [entry.record for entry in entries])
            context.counters.add(records_parked=len(entries), on_failure_messages=1)
        else:
            context.counters.add(records_discarded=len(entries))
        parked = ParkedBatch(
            message,
            [e.sequence_number for e in entries],
            [e.record for e in entries],
            sent=context.destination is not None,
        )
        context.emit(Parked(shard.shard.shard_id, tuple(entries), parked))
        shard.done(entries)

    def _invoker_for(self) -> Invoker:
        if self._invoker is None:
            self._invoker = self.shard.context.invoker_factory()
        return self._invoker
