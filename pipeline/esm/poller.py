"""The local event source mapping: reads a DynamoDB stream and invokes the function like Lambda.

The poller discovers the stream's shards and gives each its own thread and execution environment
(:mod:`pipeline.esm.shard` holds the per-shard semantics); a child shard starts only after its
parent is drained. Events (:mod:`pipeline.esm.events`) tell the CLI, the demo and the tests what
happens as it happens.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from pipeline.aws.arn import region_of
from pipeline.esm.batch import ParkedBatch
from pipeline.esm.checkpoints import CheckpointStore
from pipeline.esm.counters import Counters
from pipeline.esm.events import Listener, Parked, PollerEvent
from pipeline.esm.on_failure import OnFailureDestination
from pipeline.esm.shard import Clock, MappingContext, ShardProcessor
from pipeline.filters.rules import FilterCriteria
from pipeline.runtime.invoker import Invoker
from pipeline.settings.model import EsmSettings
from pipeline.stream.shards import Position, Shard, describe_stream, ready_shards


class Poller:
    """Plays the event source mapping for one stream and one function.

    ``invoker_factory`` makes one execution environment per shard (e.g.
    ``lambda: LambdaWorker(function)``); ``destination`` receives given-up batches
    (None: they are discarded, as on AWS without a destination). ``clock`` returns epoch
    seconds and exists so tests can age records without waiting.
    """

    def __init__(
        self,
        *,
        settings: EsmSettings,
        streams_client: object,
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
        self.stream_arn = stream_arn
        self.discovery_interval = discovery_interval
        self.checkpoints = checkpoints or CheckpointStore(None, stream_arn)
        self.counters = Counters()
        self.parked: list[ParkedBatch] = []
        self.stop_event = threading.Event()
        self.processors: dict[str, ShardProcessor] = {}
        self._listener = listener
        self._parked_lock = threading.Lock()
        self.context = MappingContext(
            settings=settings,
            streams=streams_client,
            stream_arn=stream_arn,
            region=region_of(stream_arn),
            function_arn=function_arn,
            filter=FilterCriteria(settings.filter_criteria),
            invoker_factory=invoker_factory,
            destination=destination,
            checkpoints=self.checkpoints,
            counters=self.counters,
            stop_event=self.stop_event,
            clock=clock,
            poll_interval=poll_interval,
            retry_base_delay=retry_base_delay,
            emit=self._emit,
        )

    def _emit(self, event: PollerEvent) -> None:
        """Keep what the summary needs, then tell the listener (CLI, demo, tests)."""
        if isinstance(event, Parked):
            with self._parked_lock:
                self.parked.append(event.batch)
        if self._listener is not None:
            self._listener(event)

    def _start_position(self, shard: Shard, known_at_start: bool) -> Position:
        saved = self.checkpoints.get(shard.shard_id).checkpoint
        if saved is not None:
            return Position.after(saved)
        if known_at_start and self.settings.starting_position == "LATEST" and not shard.closed:
            return Position.latest()
        # Shards that appear later (children of a split) are read from their beginning.
        return Position.trim_horizon()

    def _start_ready_shards(self, first: bool) -> None:
        description = describe_stream(self.context.streams, self.stream_arn)
        finished = self.checkpoints.finished_shards() | {
            shard_id for shard_id, processor in self.processors.items() if processor.finished
        }
        started = {shard_id for shard_id, processor in self.processors.items() if not processor.finished}
        for shard in ready_shards(description.shards, finished, started | finished):
            processor = ShardProcessor(self.context, shard, self._start_position(shard, first))
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

    def raise_shard_errors(self) -> None:
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
                self.stop_event.wait(min(self.context.poll_interval, 0.1))
                self.raise_shard_errors()
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
        self.raise_shard_errors()
        return self.counters

    def stop(self) -> None:
        """Ask every shard to stop after its current invocation and wait for them."""
        self.stop_event.set()
        for processor in self.processors.values():
            if processor.thread.is_alive() and processor.thread is not threading.current_thread():
                processor.thread.join()
