"""Key-ordered concurrency: tasks of different keys run at once, tasks of one key one after another.

A DynamoDB stream delivers the changes of one item in the order they happened, and a processor
may depend on that (a MODIFY must not overtake the INSERT it follows). Items are independent of
each other, so their records can be processed at the same time. :class:`KeyOrderedPool` runs
the tasks of one batch on a bounded pool of threads with exactly that guarantee:

* the tasks of one key run in their batch order, never two at the same time: a key's next task
  is only handed out once its previous task has returned;
* among the tasks that are ready, the lowest batch index goes first, so work never runs far
  ahead of the oldest unfinished record;
* with ``stop_on_failure``, a failed task stops the batch: no task starts after it (a task that
  was handed out checks the stop flag before it starts), the tasks in flight finish, and every
  task that never started is reported as ``None``.

The threads are created on first use and kept for the next invocations (Lambda freezes them with
the execution environment between invocations); they exit when the pool is garbage collected.
"""

from __future__ import annotations

import heapq
import queue
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

T = TypeVar("T")

_Finished = tuple[int, "T | None", "BaseException | None"]


class KeyOrderedPool(Generic[T]):
    """Runs one batch of keyed tasks on ``workers`` threads (see the module docstring)."""

    def __init__(self, workers: int, thread_name_prefix: str = "stream-record") -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers
        self._thread_name_prefix = thread_name_prefix
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    @property
    def executor(self) -> ThreadPoolExecutor:
        if self._executor is None:
            from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 - threads on first use

            with self._lock:
                if self._executor is None:
                    self._executor = ThreadPoolExecutor(
                        max_workers=self.workers, thread_name_prefix=self._thread_name_prefix
                    )
        return self._executor

    def run(
        self,
        keys: Sequence[Hashable],
        work: Callable[[int], T],
        *,
        failed: Callable[[T], bool],
        stop_on_failure: bool,
        inline: Callable[[int], T | None] | None = None,
    ) -> list[T | None]:
        """Run ``work(index)`` for every index of ``keys``; return the results in index order.

        ``inline(index)``, when given, is asked first on the calling thread: a result other than
        ``None`` is taken as the task's result without a thread (for work too cheap to hand off,
        like skipping a record). ``None`` in the returned list marks a task that never started.
        A BaseException escaping ``work`` stops the batch and is raised once the tasks in flight
        have finished.
        """
        count = len(keys)
        results: list[T | None] = [None] * count
        # Ascending already, so a valid heap: the ready tasks, lowest index first.
        ready, following = _chains(keys)
        stop = threading.Event()
        finished: queue.SimpleQueue[_Finished[T]] = queue.SimpleQueue()
        crash: BaseException | None = None

        def task(index: int) -> None:
            outcome: T | None = None
            error: BaseException | None = None
            try:
                # Handed out before a failure was seen, but not started yet: it must not start.
                if not stop.is_set():
                    outcome = work(index)
                    if stop_on_failure and failed(outcome):
                        stop.set()  # before the result is posted: no task starts after a failure
            except BaseException as raised:  # carried to the calling thread, raised there
                stop.set()
                error = raised
            finished.put((index, outcome, error))

        def settle(index: int, outcome: T | None) -> None:
            results[index] = outcome
            successor = following[index]
            if successor is not None:
                heapq.heappush(ready, successor)

        in_flight = 0
        while True:
            while ready and in_flight < self.workers and not stop.is_set():
                index = heapq.heappop(ready)
                quick = inline(index) if inline is not None else None
                if quick is not None:
                    settle(index, quick)
                    if stop_on_failure and failed(quick):
                        stop.set()
                    continue
                self.executor.submit(task, index)
                in_flight += 1
            if in_flight == 0:
                break
            # Take every result already there before handing out more work, so a failure that
            # has been posted is seen before any new task is submitted.
            done = [finished.get()]
            while True:
                try:
                    done.append(finished.get_nowait())
                except queue.Empty:
                    break
            for index, outcome, error in done:
                in_flight -= 1
                if error is not None:
                    crash = crash or error
                elif outcome is not None:
                    settle(index, outcome)
        if crash is not None:
            raise crash
        return results


def _chains(keys: Sequence[Hashable]) -> tuple[list[int], list[int | None]]:
    """The first index of every key, and for each index the next index with the same key."""
    firsts: list[int] = []
    following: list[int | None] = [None] * len(keys)
    last: dict[Hashable, int] = {}
    for index, key in enumerate(keys):
        previous = last.get(key)
        if previous is None:
            firsts.append(index)
        else:
            following[previous] = index
        last[key] = index
    return firsts, following
