"""One shard of the local event source mapping: read it in order and drive its batches to an end.

Semantics (Lambda developer guide: DynamoDB streams, event filtering, error handling, partial
batch responses; and the AWS recordings in ``tests/pipeline/fixtures``):

* records not matching ``FilterCriteria`` are skipped - never invoked, never failures - but the
  checkpoint moves past them;
* a batch holds up to ``BatchSize`` matching records; with ``MaximumBatchingWindowInSeconds`` 0
  the function is invoked with what the stream has right now, otherwise records are gathered
  until the batch is full or the window (started when the previous invocation finished) ends;
* after each invocation :func:`pipeline.esm.retry.judge` says what is left: a partial failure
  checkpoints before the LOWEST failed sequence number and the rest is retried from it (a new
  batch when the checkpoint moved, a retry of the same batch when it did not);
* a whole-batch failure (raised error, timeout, crash, invalid answer) with
  BisectBatchOnFunctionError splits the batch in two and processes the halves in order - a split
  is not a retry; a batch that cannot be split is retried up to ``MaximumRetryAttempts``
  (-1: until the record age limit);
* records older than ``MaximumRecordAgeInSeconds`` are given up before an invocation;
* a given-up batch goes to the on-failure destination as AWS's record, then processing
  continues after it; checkpoints are saved after every step.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pipeline.esm.batch import MAX_PAYLOAD_BYTES, PAYLOAD_OVERHEAD, Batch, ParkedBatch, StreamEntry
from pipeline.esm.checkpoints import CheckpointStore
from pipeline.esm.counters import Counters
from pipeline.esm.events import Invoked, Listener, Parked, PollerEvent, Trimmed
from pipeline.esm.on_failure import (
    Condition,
    DDBStreamBatchInfo,
    OnFailureDestination,
    OnFailureMessage,
    ResponseContext,
)
from pipeline.esm.retry import Failure, judge
from pipeline.filters.rules import FilterCriteria
from pipeline.runtime.invoker import Invoker
from pipeline.settings.model import EsmSettings
from pipeline.stream.reader import GET_RECORDS_LIMIT, ShardReader
from pipeline.stream.records import to_lambda_record
from pipeline.stream.shards import IteratorType, Position, Shard

Clock = Callable[[], float]

_FAILURE_COUNTER = {
    Failure.PARTIAL: "partial_failures",
    Failure.INVALID_RESPONSE: "invalid_responses",
    Failure.FUNCTION_ERROR: "function_errors",
    Failure.TIMEOUT: "timeouts",
    Failure.CRASH: "crashes",
}


@dataclass(frozen=True)
class MappingContext:
    """What every shard of one mapping shares: settings, clients, state and where to report."""

    settings: EsmSettings
    streams: Any
    stream_arn: str
    region: str
    function_arn: str
    filter: FilterCriteria
    invoker_factory: Callable[[], Invoker]
    destination: OnFailureDestination | None
    checkpoints: CheckpointStore
    counters: Counters
    stop_event: threading.Event
    clock: Clock
    poll_interval: float
    retry_base_delay: float
    emit: Callable[[PollerEvent], None]


def _to_milliseconds(moment: datetime) -> datetime:
    """The message carries milliseconds; keep the in-memory copy equal to what is sent."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class ShardProcessor:
    """Reads one shard and drives its batches through the function, in order, on its own thread."""

    def __init__(self, context: MappingContext, shard: Shard, start: Position) -> None:
        self.context = context
        self.shard = shard
        self.reader = ShardReader(context.streams, context.stream_arn, shard.shard_id, start)
        self.pending: deque[StreamEntry] = deque()
        self.last_read: str | None = (
            start.sequence_number if start.kind is IteratorType.AFTER_SEQUENCE_NUMBER else None
        )
        self.checkpoint: str | None = self.last_read
        self.caught_up = False  # the last read returned fewer records than asked for
        self.finished = False
        self.busy = False  # a batch is being processed (its records are no longer pending)
        self.reading = threading.Event()  # set after the first GetRecords: the iterator exists
        self.error: BaseException | None = None
        self._invoker: Invoker | None = None
        self._window_started: float | None = None
        self.thread = threading.Thread(target=self._run, name=f"shard-{shard.shard_id[-8:]}", daemon=True)

    # -- reading ---------------------------------------------------------------------------------

    def _read_page(self) -> int:
        context = self.context
        page = self.reader.read(GET_RECORDS_LIMIT)
        if page.trimmed:
            # The checkpoint was older than the stream's retention: those records are gone.
            context.counters.add(trim_restarts=1)
            context.emit(Trimmed(self.shard.shard_id, self.last_read))
        filtered = 0
        for raw in page.records:
            record = to_lambda_record(raw, context.stream_arn, context.region)
            entry = StreamEntry.read(record, context.filter.matches(record), self.last_read)
            filtered += not entry.matched
            self.pending.append(entry)
            self.last_read = entry.sequence_number
        self.caught_up = len(page.records) < GET_RECORDS_LIMIT
        self.reading.set()
        if page.records:
            context.counters.add(records_seen=len(page.records), records_filtered_out=filtered)
        return len(page.records)

    def _matched_pending(self) -> int:
        return sum(1 for entry in self.pending if entry.matched)

    # -- the loop --------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._loop()
        except BaseException as exc:  # reported by the poller; the shard stops where it is
            self.error = exc
        finally:
            if self._invoker is not None:
                self._invoker.close()

    def _loop(self) -> None:
        context = self.context
        settings = context.settings
        while not context.stop_event.is_set():
            got = 0
            if not self.reader.ended and self._matched_pending() < settings.batch_size:
                got = self._read_page()
                if got and not self.caught_up:
                    continue  # more records are available right now: read on until the batch is full
            self._skip_filtered_prefix()
            if self._matched_pending():
                wait = self._window_remaining()
                if wait <= 0:
                    self.busy = True
                    try:
                        self._process(self._take_batch())
                    finally:
                        self.busy = False
                    # The next batching window starts when this invocation has finished.
                    self._window_started = None
                    continue
                context.stop_event.wait(min(context.poll_interval, wait))
                continue
            if self.reader.ended and not self.pending:
                context.checkpoints.commit(self.shard.shard_id, self.checkpoint, finished=True)
                self.finished = True
                return
            if not got:
                context.stop_event.wait(context.poll_interval)

    def _window_remaining(self) -> float:
        """Seconds left in the batching window (0: invoke now)."""
        settings = self.context.settings
        window = settings.maximum_batching_window_in_seconds
        if window <= 0 or self.reader.ended or self._matched_pending() >= settings.batch_size:
            return 0.0
        now = time.monotonic()  # a duration: immune to the injectable wall clock used for record ages
        if self._window_started is None:
            self._window_started = now
        return window - (now - self._window_started)

    def _skip_filtered_prefix(self) -> None:
        """Records filtered out before the next matching one are done: move the checkpoint."""
        last: str | None = None
        while self.pending and not self.pending[0].matched:
            last = self.pending.popleft().sequence_number
        if last is not None:
            self._commit(last)

    def _take_batch(self) -> Batch:
        """Up to BatchSize matching records within the 6 MB payload limit.

        Filtered-out records between them are consumed too, so the batch's checkpoint passes them.
        """
        entries: list[StreamEntry] = []
        end = ""
        batch_size = self.context.settings.batch_size
        payload = PAYLOAD_OVERHEAD
        while self.pending and len(entries) < batch_size:
            entry = self.pending[0]
            if entries and entry.matched and payload + entry.size > MAX_PAYLOAD_BYTES:
                break
            self.pending.popleft()
            end = entry.sequence_number
            if entry.matched:
                entries.append(entry)
                payload += entry.size + 1
        self.context.counters.add(batches=1)
        return Batch(entries, end)

    def _commit(self, sequence_number: str | None) -> None:
        if sequence_number is None or sequence_number == self.checkpoint:
            return
        self.checkpoint = sequence_number
        self.context.checkpoints.commit(self.shard.shard_id, sequence_number)

    # -- one batch, with retries, bisection and partial failures ---------------------------------

    def _process(self, batch: Batch) -> None:
        """Drive a batch to success or the failure destination (stops early when asked to)."""
        work: deque[Batch] = deque([batch])
        while work:
            if self.context.stop_event.is_set():
                return  # not checkpointed: the next run re-reads these records
            current = work.popleft()
            follow_up = self._attempt(current)
            work.extendleft(reversed(follow_up))

    def _attempt(self, batch: Batch) -> list[Batch]:
        """One invocation of ``batch``; returns the batches still to process, in order."""
        context = self.context
        settings = context.settings
        expired = self._expired_prefix(batch)
        if expired:
            rest = batch.entries[len(expired) :]
            end = expired[-1].sequence_number if rest else batch.end_sequence_number
            self._give_up(
                Batch(expired, end, batch.attempts), Condition.RECORD_AGE_EXCEEDED, None, request_id=None
            )
            return [Batch(rest, batch.end_sequence_number, batch.attempts)] if rest else []
        if batch.attempts > 0:
            # A short exponential backoff, as Lambda does between retries of a stream batch.
            context.stop_event.wait(min(1.0, context.retry_base_delay * 2 ** (batch.attempts - 1)))
            if context.stop_event.is_set():
                return [batch]
            context.counters.add(retries=1)
        first_delivery = [entry for entry in batch.entries if not entry.delivered]
        for entry in first_delivery:
            entry.delivered = True
        result = self._invoker_for().invoke(batch.event())
        batch.attempts += 1
        context.counters.add(invocations=1, records_delivered=len(first_delivery))
        context.emit(Invoked(self.shard.shard_id, tuple(batch.entries), result))
        outcome = judge(result, batch.sequence_numbers, settings.report_batch_item_failures)
        if outcome.succeeded:
            context.counters.add(records_succeeded=len(batch.entries))
            self._commit(batch.end_sequence_number)
            return []
        context.counters.add(**{_FAILURE_COUNTER[outcome.failure]: 1})
        index = outcome.retry_from or 0
        if outcome.failure is Failure.PARTIAL and index > 0:
            context.counters.add(records_succeeded=index)
            self._commit(batch.entries[index].previous)
            # The checkpoint moved: what is left is a new batch with its own retry budget.
            return [Batch(batch.entries[index:], batch.end_sequence_number)]
        if outcome.whole_batch_failed and settings.bisect_batch_on_function_error and len(batch.entries) > 1:
            middle = len(batch.entries) // 2
            context.counters.add(bisects=1)
            first = Batch(batch.entries[:middle], batch.entries[middle - 1].sequence_number)
            second = Batch(batch.entries[middle:], batch.end_sequence_number)
            return [first, second]
        limit = settings.maximum_retry_attempts
        if limit >= 0 and batch.attempts > limit:
            self._give_up(
                batch, Condition.RETRY_ATTEMPTS_EXHAUSTED, result.function_error, request_id=result.request_id
            )
            return []
        return [batch]

    def _expired_prefix(self, batch: Batch) -> list[StreamEntry]:
        limit = self.context.settings.maximum_record_age_in_seconds
        if limit < 0:
            return []
        now = self.context.clock()
        expired: list[StreamEntry] = []
        for entry in batch.entries:
            if now - entry.created <= limit:
                break
            expired.append(entry)
        return expired

    def _give_up(
        self, batch: Batch, condition: Condition, function_error: str | None, request_id: str | None
    ) -> None:
        context = self.context
        entries = batch.entries
        info = DDBStreamBatchInfo(
            shard_id=self.shard.shard_id,
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
        context.emit(Parked(self.shard.shard_id, tuple(entries), parked))
        self._commit(batch.end_sequence_number)

    def _invoker_for(self) -> Invoker:
        if self._invoker is None:
            self._invoker = self.context.invoker_factory()
        return self._invoker


__all__ = ["Listener", "MappingContext", "ShardProcessor"]
