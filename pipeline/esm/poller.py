"""The local event source mapping: reads a DynamoDB stream and invokes the function like Lambda.

The poller checks the state file against the stream (:mod:`pipeline.esm.resume`), discovers the
stream's shards and gives each its own reader thread and ParallelizationFactor lanes, each lane
with its own execution environment (:mod:`pipeline.esm.shard`, :mod:`pipeline.esm.lane`); a
child shard starts only after its parent is drained. Events (:mod:`pipeline.esm.events`) tell
the CLI, the demo and the tests what happens as it happens; :meth:`Poller.health` gives the
figures Lambda reports for a mapping (:mod:`pipeline.esm.health`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from pipeline.aws.arn import region_of
from pipeline.esm.checkpoints import CheckpointStore
from pipeline.esm.counters import Counters
from pipeline.esm.events import Listener, PollerEvent
from pipeline.esm.health import Health
from pipeline.esm.on_failure import OnFailureDestination
from pipeline.esm.resume import start_plan, verify_state
from pipeline.esm.shard import Clock, MappingContext, ShardProcessor
from pipeline.filters.rules import FilterCriteria
from pipeline.runtime.invoker import Invoker
from pipeline.settings.model import EsmSettings
from pipeline.stream.shards import describe_stream, ready_shards


class Poller:
    """Plays the event source mapping for one stream and one function.

    ``invoker_factory`` makes one execution environment per lane (e.g.
    ``lambda: LambdaWorker(function)``); ``destination`` receives given-up batches
    (None: they are discarded, as on AWS without a destination). ``clock`` returns epoch
    seconds and exists so tests can age records without waiting. The poller owns
    ``checkpoints`` once it runs: :meth:`run` releases its lock when it returns.
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
        self.stop_event = threading.Event()
        self.processors: dict[str, ShardProcessor] = {}
        self._listener = listener
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
        # Nothing is kept here: a long run's memory must not grow with what it parked.
        if self._listener is not None:
            self._listener(event)

    def _start_ready_shards(self, first: bool) -> None:
        description = describe_stream(self.context.streams, self.stream_arn)
        if first:
            verify_state(self.checkpoints, description, self.context.streams)
        finished = self.checkpoints.finished_shards() | {
            shard_id for shard_id, processor in self.processors.items() if processor.finished
        }
        started = {shard_id for shard_id, processor in self.processors.items() if not processor.finished}
        for shard in ready_shards(description.shards, finished, started | finished):
            plan = start_plan(self.checkpoints, self.settings.starting_position, shard, first)
            processor = ShardProcessor(self.context, shard, plan)
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

    def health(self) -> Health:
        """Per-shard iterator age and records behind, and the mapping's event counts, right now."""
        shards = tuple(processor.health() for processor in list(self.processors.values()))
        return Health(shards=shards, events=self.counters.events())

    def drained(self) -> bool:
        """Every started shard has caught up with the stream and has nothing in flight."""
        processors = list(self.processors.values())
        return all(p.finished or p.idle() for p in processors) and all(p.error is None for p in processors)

    def raise_shard_errors(self) -> None:
        for processor in list(self.processors.values()):
            if processor.error is not None:
                self.stop()
                raise processor.error

    def run(self, *, until_drained: bool = False, timeout: float | None = None) -> Counters:
        """Poll until :meth:`stop` (or, with ``until_drained``, until the stream is drained).

        Returns the counters; every shard's position is saved when this returns, and the state
        file's lock is released.
        """
        started = time.monotonic()
        try:
            self._start_ready_shards(first=True)
            next_discovery = time.monotonic() + self.discovery_interval
            quiet_since: dict[str, int] | None = None
            seen_finished: set[str] = set()
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
                        quiet_since = None
                if until_drained:
                    polls = {shard_id: p.polls for shard_id, p in self.processors.items()}
                    if not self.drained():
                        quiet_since = None
                    elif quiet_since is None:
                        quiet_since = polls
                    elif all(polls[s] > quiet_since.get(s, -1) or self.processors[s].finished for s in polls):
                        break  # still quiet after every shard read the stream again
                if timeout is not None and time.monotonic() - started > timeout:
                    raise TimeoutError(f"the pipeline did not drain within {timeout} s")
        finally:
            self.stop()
            self.checkpoints.close()
        self.raise_shard_errors()
        return self.counters

    def stop(self) -> None:
        """Ask every shard to stop after its current invocations and wait for them."""
        self.stop_event.set()
        for processor in list(self.processors.values()):
            with processor.lock:
                processor.lock.notify_all()
            if processor.thread.is_alive() and processor.thread is not threading.current_thread():
                processor.thread.join()
