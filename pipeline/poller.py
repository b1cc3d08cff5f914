"""The local event source mapping: reads a DynamoDB stream and invokes the function like Lambda.

Semantics (Lambda developer guide: DynamoDB streams, event filtering, error handling, partial
batch responses; and the AWS recordings in ``tests/pipeline/fixtures``):

* each shard is read in order by its own thread with its own execution environment; a child
  shard starts only after its parent is drained;
* records not matching ``FilterCriteria`` are skipped - never invoked, never failures - but the
  checkpoint moves past them;
* a batch holds up to ``BatchSize`` matching records; with ``MaximumBatchingWindowInSeconds`` 0
  the function is invoked with what the stream has right now, otherwise records are gathered
  until the batch is full or the window (started when the previous invocation finished) ends;
* with ReportBatchItemFailures a partial failure checkpoints before the LOWEST failed sequence
  number and the rest of the batch is retried from it (a new batch when the checkpoint moved,
  a retry of the same batch when it did not); an invalid answer fails the whole batch;
* a whole-batch failure (raised error, timeout, crash, invalid answer) with
  BisectBatchOnFunctionError splits the batch in two and processes the halves in order - a split
  is not a retry; a batch that cannot be split is retried up to ``MaximumRetryAttempts``
  (-1: until the record age limit);
* records older than ``MaximumRecordAgeInSeconds`` are given up before an invocation;
* a given-up batch goes to the on-failure destination as AWS's record, then processing
  continues after it; checkpoints are saved after every step.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from pipeline.batch_response import Verdict, evaluate_response
from pipeline.checkpoints import CheckpointStore
from pipeline.esm_settings import EsmSettings
from pipeline.filter_rules import FilterCriteria
from pipeline.on_failure import (
    Condition,
    DDBStreamBatchInfo,
    OnFailureDestination,
    OnFailureMessage,
    ResponseContext,
)
from pipeline.stream_reader import (
    GET_RECORDS_LIMIT,
    IteratorType,
    Position,
    Shard,
    ShardReader,
    describe_stream,
    ready_shards,
    region_of,
    to_lambda_record,
)
from pipeline.worker import InvokeResult, InvokeStatus

Clock = Callable[[], float]
# A synchronous invocation's request payload is limited to 6 MB; Lambda caps batches to fit.
MAX_PAYLOAD_BYTES = 6 * 1024 * 1024
PAYLOAD_OVERHEAD = len('{"Records":[]}')


class Invoker(Protocol):
    """What the poller needs from a function: :class:`pipeline.worker.LambdaWorker` fits."""

    def invoke(self, event: Any, request_id: str | None = None) -> InvokeResult:
        """Invoke synchronously."""
        ...

    def close(self) -> None:
        """Release the environment."""
        ...


@dataclass
class Counters:
    """What the mapping did; updated by every shard thread under one lock."""

    records_seen: int = 0
    records_filtered_out: int = 0
    records_delivered: int = 0  # distinct records handed to the function at least once
    records_succeeded: int = 0
    records_parked: int = 0  # given up and sent to the on-failure destination
    records_discarded: int = 0  # given up with no destination configured
    batches: int = 0  # batches formed from the stream (bisected halves and retries excluded)
    invocations: int = 0
    retries: int = 0
    bisects: int = 0
    partial_failures: int = 0
    invalid_responses: int = 0
    function_errors: int = 0
    timeouts: int = 0
    crashes: int = 0
    on_failure_messages: int = 0
    trim_restarts: int = 0  # a checkpoint was past the retention; reading restarted at the trim horizon
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **deltas: int) -> None:
        """Increment several counters atomically."""
        with self.lock:
            for name, delta in deltas.items():
                setattr(self, name, getattr(self, name) + delta)

    def as_dict(self) -> dict[str, int]:
        """Plain numbers, for printing and assertions."""
        with self.lock:
            return {name: value for name, value in vars(self).items() if isinstance(value, int)}


@dataclass
class StreamEntry:
    """One record read from the shard (listeners receive these)."""

    record: dict[str, Any]  # Lambda event shape
    sequence_number: str
    matched: bool
    previous: str | None  # the sequence number read just before it: the checkpoint once it is retried
    created: float  # ApproximateCreationDateTime, epoch seconds
    size: int  # bytes of the record in the invocation payload
    delivered: bool = False


@dataclass
class _Batch:
    """Records handed to the function together, and the checkpoint once they are done."""

    entries: list[StreamEntry]
    end_sequence_number: str  # the last record consumed for it (filtered-out ones included)
    attempts: int = 0  # invocations of exactly this batch


@dataclass
class ParkedBatch:
    """A batch given up, with the message sent for it (for summaries and tests)."""

    message: OnFailureMessage
    sequence_numbers: list[str]
    records: list[dict[str, Any]]


def _to_milliseconds(moment: datetime) -> datetime:
    """The message carries milliseconds; keep the in-memory copy equal to what is sent."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


class ShardProcessor:
    """Reads one shard and drives its batches through the function, in order."""

    def __init__(self, poller: Poller, shard: Shard, start: Position) -> None:
        self.poller = poller
        self.shard = shard
        self.reader = ShardReader(poller.streams, poller.stream_arn, shard.shard_id, start)
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
        page = self.reader.read(GET_RECORDS_LIMIT)
        poller = self.poller
        if page.trimmed:
            # The checkpoint was older than the stream's retention: those records are gone.
            poller.counters.add(trim_restarts=1)
            poller.notify("trimmed", self.shard.shard_id, [], self.last_read)
        filtered = 0
        for raw in page.records:
            record = to_lambda_record(raw, poller.stream_arn, poller.region)
            sequence_number = record["dynamodb"]["SequenceNumber"]
            matched = poller.filter.matches(record)
            filtered += not matched
            created = record["dynamodb"]["ApproximateCreationDateTime"]
            # Only delivered records count against the payload limit; filtered ones are never sent.
            size = len(json.dumps(record, separators=(",", ":"))) if matched else 0
            entry = StreamEntry(record, sequence_number, matched, self.last_read, created, size)
            self.pending.append(entry)
            self.last_read = sequence_number
        self.caught_up = len(page.records) < GET_RECORDS_LIMIT
        self.reading.set()
        if page.records:
            poller.counters.add(records_seen=len(page.records), records_filtered_out=filtered)
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
        poller = self.poller
        settings = poller.settings
        while not poller.stop_event.is_set():
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
                poller.stop_event.wait(min(poller.poll_interval, wait))
                continue
            if self.reader.ended and not self.pending:
                poller.checkpoints.commit(self.shard.shard_id, self.checkpoint, finished=True)
                self.finished = True
                return
            if not got:
                poller.stop_event.wait(poller.poll_interval)

    def _window_remaining(self) -> float:
        """Seconds left in the batching window (0: invoke now)."""
        settings = self.poller.settings
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

    def _take_batch(self) -> _Batch:
        """Up to BatchSize matching records within the 6 MB payload limit.

        Filtered-out records between them are consumed too, so the batch's checkpoint passes them.
        """
        entries: list[StreamEntry] = []
        end = ""
        batch_size = self.poller.settings.batch_size
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
        self.poller.counters.add(batches=1)
        return _Batch(entries, end)

    def _commit(self, sequence_number: str | None) -> None:
        if sequence_number is None or sequence_number == self.checkpoint:
            return
        self.checkpoint = sequence_number
        self.poller.checkpoints.commit(self.shard.shard_id, sequence_number)

    # -- one batch, with retries, bisection and partial failures ---------------------------------

    def _process(self, batch: _Batch) -> None:
        """Drive a batch to success or the failure destination (stops early when asked to)."""
        work: deque[_Batch] = deque([batch])
        while work:
            if self.poller.stop_event.is_set():
                return  # not checkpointed: the next run re-reads these records
            current = work.popleft()
            follow_up = self._attempt(current)
            work.extendleft(reversed(follow_up))

    def _attempt(self, batch: _Batch) -> list[_Batch]:
        """One invocation of ``batch``; returns the batches still to process, in order."""
        poller = self.poller
        settings = poller.settings
        expired = self._expired_prefix(batch)
        if expired:
            rest = batch.entries[len(expired) :]
            end = expired[-1].sequence_number if rest else batch.end_sequence_number
            self._give_up(
                _Batch(expired, end, batch.attempts), Condition.RECORD_AGE_EXCEEDED, None, request_id=None
            )
            return [_Batch(rest, batch.end_sequence_number, batch.attempts)] if rest else []
        if batch.attempts > 0:
            # A short exponential backoff, as Lambda does between retries of a stream batch.
            poller.stop_event.wait(min(1.0, poller.retry_base_delay * 2 ** (batch.attempts - 1)))
            if poller.stop_event.is_set():
                return [batch]
            poller.counters.add(retries=1)
        first_delivery = [entry for entry in batch.entries if not entry.delivered]
        for entry in first_delivery:
            entry.delivered = True
        event = {"Records": [entry.record for entry in batch.entries]}
        result = self._invoker_for().invoke(event)
        batch.attempts += 1
        poller.counters.add(invocations=1, records_delivered=len(first_delivery))
        poller.notify("invoke", self.shard.shard_id, batch.entries, result)
        function_error: str | None
        if result.ok:
            outcome = evaluate_response(
                result.payload,
                [entry.sequence_number for entry in batch.entries],
                settings.report_batch_item_failures,
            )
            if outcome.verdict is Verdict.SUCCESS:
                poller.counters.add(records_succeeded=len(batch.entries))
                self._commit(batch.end_sequence_number)
                return []
            if outcome.verdict is Verdict.PARTIAL and outcome.first_failed_index:
                index = outcome.first_failed_index
                poller.counters.add(partial_failures=1, records_succeeded=index)
                self._commit(batch.entries[index].previous)
                # The checkpoint moved: what is left is a new batch with its own retry budget.
                return [_Batch(batch.entries[index:], batch.end_sequence_number)]
            if outcome.verdict is Verdict.PARTIAL:
                poller.counters.add(partial_failures=1)
            else:
                poller.counters.add(invalid_responses=1)
            function_error = None
            whole_failure = outcome.verdict is Verdict.INVALID
        else:
            kind = {InvokeStatus.TIMEOUT: "timeouts", InvokeStatus.CRASH: "crashes"}.get(
                result.status, "function_errors"
            )
            poller.counters.add(**{kind: 1})
            function_error = result.function_error
            whole_failure = True
        if whole_failure and settings.bisect_batch_on_function_error and len(batch.entries) > 1:
            middle = len(batch.entries) // 2
            poller.counters.add(bisects=1)
            first = _Batch(batch.entries[:middle], batch.entries[middle - 1].sequence_number)
            second = _Batch(batch.entries[middle:], batch.end_sequence_number)
            return [first, second]
        limit = settings.maximum_retry_attempts
        if limit >= 0 and batch.attempts > limit:
            self._give_up(
                batch, Condition.RETRY_ATTEMPTS_EXHAUSTED, function_error, request_id=result.request_id
            )
            return []
        return [batch]

    def _expired_prefix(self, batch: _Batch) -> list[StreamEntry]:
        limit = self.poller.settings.maximum_record_age_in_seconds
        if limit < 0:
            return []
        now = self.poller.clock()
        expired: list[StreamEntry] = []
        for entry in batch.entries:
            if now - entry.created <= limit:
                break
            expired.append(entry)
        return expired

    def _give_up(
        self, batch: _Batch, condition: Condition, function_error: str | None, request_id: str | None
    ) -> None:
        poller = self.poller
        entries = batch.entries
        info = DDBStreamBatchInfo(
            shard_id=self.shard.shard_id,
            start_sequence_number=entries[0].sequence_number,
            end_sequence_number=entries[-1].sequence_number,
            approximate_arrival_of_first_record=datetime.fromtimestamp(entries[0].created, UTC),
            approximate_arrival_of_last_record=datetime.fromtimestamp(entries[-1].created, UTC),
            batch_size=len(entries),
            stream_arn=poller.stream_arn,
        )
        message = OnFailureMessage(
            request_id=request_id or str(uuid.uuid4()),
            function_arn=poller.function_arn,
            condition=condition,
            # AWS reports at least 1 even for records given up before any invocation.
            approximate_invoke_count=max(1, batch.attempts),
            response_context=None
            if condition is Condition.RECORD_AGE_EXCEEDED
            else ResponseContext(function_error=function_error),
            timestamp=_to_milliseconds(datetime.fromtimestamp(poller.clock(), UTC)),
            batch_info=info,
        )
        if poller.destination is not None:
            poller.destination.send(message)
            poller.counters.add(records_parked=len(entries), on_failure_messages=1)
        else:
            poller.counters.add(records_discarded=len(entries))
        parked = ParkedBatch(message, [e.sequence_number for e in entries], [e.record for e in entries])
        with poller.counters.lock:
            poller.parked.append(parked)
        poller.notify("parked", self.shard.shard_id, entries, parked)
        self._commit(batch.end_sequence_number)

    def _invoker_for(self) -> Invoker:
        if self._invoker is None:
            self._invoker = self.poller.invoker_factory()
        return self._invoker


Listener = Callable[[str, str, list[StreamEntry], Any], None]


class Poller:
    """Plays the event source mapping for one stream and one function.

    ``invoker_factory`` makes one execution environment per shard (e.g.
    ``lambda: LambdaWorker(function_config)``); ``destination`` receives given-up batches
    (None: they are discarded, as on AWS without a destination). ``clock`` returns epoch
    seconds and exists so tests can age records without waiting.
    """

    def __init__(
        self,
        *,
        settings: EsmSettings,
        streams_client: Any,
        stream_arn: str,
        invoker_factory: Callable[[], Invoker],
        function_arn: str,
        destination: OnFailureDestination | None = None,
        checkpoints: CheckpointStore | None = None,
        clock: Clock = time.time,
        poll_interval: float = 0.25,
        retry_base_delay: float = 0.05,
        discovery_interval: float = 10.0,
        listener: Listener | None = None,
    ) -> None:
        self.settings = settings
        self.streams = streams_client
        self.stream_arn = stream_arn
        self.region = region_of(stream_arn)
        self.invoker_factory = invoker_factory
        self.function_arn = function_arn
        self.destination = destination
        self.checkpoints = checkpoints or CheckpointStore(None, stream_arn)
        self.clock = clock
        self.poll_interval = poll_interval
        self.retry_base_delay = retry_base_delay
        self.discovery_interval = discovery_interval
        self.filter = FilterCriteria(settings.filter_criteria)
        self.counters = Counters()
        self.parked: list[ParkedBatch] = []
        self.stop_event = threading.Event()
        self.processors: dict[str, ShardProcessor] = {}
        self._listener = listener

    def notify(self, kind: str, shard_id: str, entries: list[StreamEntry], detail: Any) -> None:
        """Tell the listener (demo output, tests) what just happened."""
        if self._listener is not None:
            self._listener(kind, shard_id, entries, detail)

    def _start_position(self, shard: Shard, known_at_start: bool) -> Position:
        saved = self.checkpoints.get(shard.shard_id).checkpoint
        if saved is not None:
            return Position.after(saved)
        if known_at_start and self.settings.starting_position == "LATEST" and not shard.closed:
            return Position(IteratorType.LATEST)
        # Shards that appear later (children of a split) are read from their beginning.
        return Position(IteratorType.TRIM_HORIZON)

    def _start_ready_shards(self, first: bool) -> None:
        description = describe_stream(self.streams, self.stream_arn)
        finished = self.checkpoints.finished_shards() | {
            shard_id for shard_id, processor in self.processors.items() if processor.finished
        }
        started = {shard_id for shard_id, processor in self.processors.items() if not processor.finished}
        for shard in ready_shards(description.shards, finished, started | finished):
            processor = ShardProcessor(self, shard, self._start_position(shard, first))
            self.processors[shard.shard_id] = processor
            processor.thread.start()

    def wait_until_reading(self, timeout: float = 30.0) -> bool:
        """Block until every started shard has its iterator (records written after are seen).

        Matters for StartingPosition LATEST: a writer that starts before the iterators exist
        would write records the mapping never sees.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            processors = list(self.processors.values())
            if processors and all(p.reading.is_set() or p.finished or p.error for p in processors):
                return True
            time.sleep(0.02)
        return False

    def checkpoint_snapshot(self) -> dict[str, str | None]:
        """shard id -> last checkpointed sequence number."""
        return self.checkpoints.snapshot()

    def drained(self) -> bool:
        """Every started shard has caught up with the stream and has nothing in flight."""
        return all(
            processor.finished
            or (
                processor.caught_up
                and not processor.pending
                and not processor.busy
                and processor.thread.is_alive()
            )
            for processor in self.processors.values()
        ) and all(processor.error is None for processor in self.processors.values())

    def _raise_shard_errors(self) -> None:
        for processor in self.processors.values():
            if processor.error is not None:
                self.stop()
                raise processor.error

    def run(self, *, until_drained: bool = False, timeout: float | None = None) -> Counters:
        """Poll until :meth:`stop` (or, with ``until_drained``, until the stream is drained).

        Returns the counters; every shard's checkpoint is saved when this returns.
        """
        started = time.monotonic()
        self._start_ready_shards(first=True)
        next_discovery = time.monotonic() + self.discovery_interval
        quiet_checks = 0
        seen_finished: set[str] = set()
        try:
            while not self.stop_event.is_set():
                self.stop_event.wait(min(self.poll_interval, 0.1))
                self._raise_shard_errors()
                finished = {shard_id for shard_id, p in self.processors.items() if p.finished}
                if time.monotonic() >= next_discovery or finished - seen_finished:
                    seen_finished = finished
                    before = len(self.processors)
                    self._start_ready_shards(first=False)
                    next_discovery = time.monotonic() + self.discovery_interval
                    if len(self.processors) != before:
                        quiet_checks = 0
                if until_drained:
                    quiet_checks = quiet_checks + 1 if self.drained() else 0
                    # Two quiet checks in a row: nothing was in flight between them.
                    if quiet_checks >= 2:
                        break
                if timeout is not None and time.monotonic() - started > timeout:
                    raise TimeoutError(f"the pipeline did not drain within {timeout} s")
        finally:
            self.stop()
        self._raise_shard_errors()
        return self.counters

    def stop(self) -> None:
        """Ask every shard to stop after its current invocation and wait for them."""
        self.stop_event.set()
        for processor in self.processors.values():
            if processor.thread.is_alive() and processor.thread is not threading.current_thread():
                processor.thread.join()
