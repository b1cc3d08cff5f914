"""One shard of the local event source mapping: read it in order and hand its records to its lanes.

The shard's thread reads pages of records; a record the ``FilterCriteria`` does not match is
done at once (never invoked, never a failure, never kept); a matching record goes to its lane
(:mod:`pipeline.esm.lane`: one per ParallelizationFactor, batches per item key). Reading stops
while the records read and not yet done reach ``max(1000, ParallelizationFactor x BatchSize)``,
so memory follows the batch size and the page size, never the backlog: a lane stuck retrying
lets the others go on until then. Every step that moves the checkpoint (:mod:`pipeline.esm.progress`)
or a batch's retry count saves the shard's state (:mod:`pipeline.esm.checkpoints`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pipeline.esm.batch import StreamEntry
from pipeline.esm.checkpoints import CheckpointStore, InFlightBatch
from pipeline.esm.counters import Counters
from pipeline.esm.events import PollerEvent, Trimmed
from pipeline.esm.health import ShardHealth
from pipeline.esm.lane import Lane, lane_of
from pipeline.esm.on_failure import OnFailureDestination
from pipeline.esm.progress import ShardProgress
from pipeline.esm.resume import StartPlan
from pipeline.filters.rules import FilterCriteria
from pipeline.runtime.invoker import Invoker
from pipeline.settings.model import EsmSettings
from pipeline.stream.reader import GET_RECORDS_LIMIT, ReadResult, ShardReader
from pipeline.stream.records import to_lambda_record
from pipeline.stream.shards import Shard, seq_key

Clock = Callable[[], float]


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


class ShardProcessor:
    """Reads one shard on its own thread and feeds its lanes; the lanes invoke the function."""

    def __init__(self, context: MappingContext, shard: Shard, plan: StartPlan) -> None:
        self.context = context
        self.shard = shard
        self.plan = plan
        self.reader = ShardReader(context.streams, context.stream_arn, shard.shard_id, plan.position)
        self.progress = ShardProgress(plan.checkpoint)
        self.lock = threading.Condition()
        factor = max(1, context.settings.parallelization_factor)
        self.lanes = [Lane(self, index) for index in range(factor)]
        self.window = max(GET_RECORDS_LIMIT, factor * context.settings.batch_size)
        #: Batches saved in flight by an earlier run, by first sequence number: they resume their count.
        self.restored: dict[str, InFlightBatch] = {b.start_sequence_number: b for b in plan.in_flight}
        self.caught_up = False  # the last page was short: nothing more right now
        self.ended = False  # a closed shard was read to its end
        self.finished = False  # ... and every record of it is done
        self.polls = 0  # pages read (the poller's drain check waits for a fresh one)
        self.iterator_age: float | None = None
        self.reading = threading.Event()  # set after the first GetRecords: the iterator exists
        self.error: BaseException | None = None
        self._halted = threading.Event()  # finished or failed: the lanes stop
        self._saved: tuple[str | None, tuple[InFlightBatch, ...]] = (plan.checkpoint, plan.in_flight)
        self.thread = threading.Thread(target=self._run, name=f"shard-{shard.shard_id[-8:]}", daemon=True)

    # -- shared state (call with ``lock`` held) ----------------------------------------------------

    def stopping(self) -> bool:
        """The poller stops, or this shard finished or failed."""
        return self.context.stop_event.is_set() or self._halted.is_set()

    def more_coming(self) -> bool:
        """The reader is in the middle of a backlog and will hand out more records soon."""
        return not (self.ended or self.caught_up or self.progress.outstanding >= self.window)

    def done(self, entries: Iterable[StreamEntry]) -> None:
        """Records processed or given up: move the checkpoint as far as the oldest outstanding one."""
        with self.lock:
            self.progress.done(entry.sequence_number for entry in entries)
            self.save()
            self.lock.notify_all()

    def save(self) -> None:
        """Persist the checkpoint and the retry counts of batches in flight, if they changed."""
        checkpoint = self.progress.checkpoint()
        in_flight = [
            InFlightBatch(batch.entries[0].sequence_number, batch.entries[-1].sequence_number, batch.attempts)
            for batch in (lane.current for lane in self.lanes)
            # A batch whose first records are done (a partial failure) is being replaced by the rest.
            if batch is not None
            and batch.attempts > 0
            and batch.entries
            and self.progress.is_outstanding(batch.entries[0].sequence_number)
        ]
        if checkpoint is not None:
            in_flight += [
                b for b in self.restored.values() if seq_key(b.start_sequence_number) > seq_key(checkpoint)
            ]
        else:
            in_flight += list(self.restored.values())
        state = (checkpoint, tuple(sorted(in_flight, key=lambda b: seq_key(b.start_sequence_number))))
        if state != self._saved:
            self._saved = state
            self.context.checkpoints.commit(self.shard.shard_id, checkpoint, in_flight=state[1])

    def fail(self, error: BaseException) -> None:
        """A lane failed: stop the shard and report the first error."""
        with self.lock:
            if self.error is None:
                self.error = error
            self._halted.set()
            self.lock.notify_all()

    def idle(self) -> bool:
        """Caught up with the stream and nothing in flight."""
        with self.lock:
            return self.caught_up and self.progress.outstanding == 0 and self.thread.is_alive()

    def health(self) -> ShardHealth:
        """Where the shard stands now."""
        with self.lock:
            return ShardHealth(
                shard_id=self.shard.shard_id,
                checkpoint=self.progress.checkpoint(),
                iterator_age_seconds=self.iterator_age,
                records_behind=self.progress.outstanding,
                caught_up=self.caught_up or self.ended,
                batches_in_flight=sum(lane.current is not None for lane in self.lanes),
                finished=self.finished,
            )

    # -- the reader --------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            if self.plan.skip_existing:
                if not self._skip_existing():
                    return
            elif not self.context.checkpoints.known(self.shard.shard_id):
                # A position for every start, so a stop before the first record still resumes here.
                self.context.checkpoints.commit(self.shard.shard_id, self.plan.checkpoint)
            for lane in self.lanes:
                lane.thread.start()
            self._read_loop()
        except BaseException as exc:  # reported by the poller; the shard stops where it is
            self.fail(exc)
        finally:
            with self.lock:
                self._halted.set()
                self.lock.notify_all()
            for lane in self.lanes:
                if lane.thread.is_alive():
                    lane.thread.join()

    def _skip_existing(self) -> bool:
        """LATEST with a state file: read past what the shard holds now and save that position."""
        last: str | None = None
        while not self.stopping():
            page = self.reader.read(GET_RECORDS_LIMIT)
            if page.records:
                last = str(page.records[-1]["dynamodb"]["SequenceNumber"])
            if len(page.records) < GET_RECORDS_LIMIT:
                with self.lock:
                    self.progress = ShardProgress(last)
                    self._saved = (last, ())
                self.context.checkpoints.commit(self.shard.shard_id, last)
                return True
        return False

    def _read_loop(self) -> None:
        context = self.context
        while True:
            with self.lock:
                if self.stopping():
                    return
                if self.ended and self.progress.outstanding == 0:
                    context.checkpoints.commit(self.shard.shard_id, self.progress.checkpoint(), finished=True)
                    self.finished = True
                    return
                if self.ended or self.progress.outstanding >= self.window:
                    self.lock.wait(context.poll_interval)  # the lanes notify as records get done
                    continue
            page = self.reader.read(GET_RECORDS_LIMIT)
            with self.lock:
                self._route(page)
                self.caught_up = len(page.records) < GET_RECORDS_LIMIT
                self.ended = self.reader.ended
                self.polls += 1
                self.lock.notify_all()
            self.reading.set()
            if self.caught_up and not self.ended:
                context.stop_event.wait(context.poll_interval)

    def _route(self, page: ReadResult) -> None:
        context = self.context
        if page.trimmed:
            # The checkpoint was older than the stream's retention: those records are gone.
            context.counters.add(trim_restarts=1)
            context.emit(Trimmed(self.shard.shard_id, self.progress.last_read))
        factor = len(self.lanes)
        filtered = 0
        for raw in page.records:
            record = to_lambda_record(raw, context.stream_arn, context.region)
            matched = context.filter.matches(record)
            sequence_number = str(record["dynamodb"]["SequenceNumber"])
            previous = self.progress.read(sequence_number, matched)
            if matched:
                self.lanes[lane_of(record, factor)].add(StreamEntry.read(record, True, previous))
            else:
                filtered += 1
        if page.records:
            context.counters.add(records_seen=len(page.records), records_filtered_out=filtered)
            self.save()
