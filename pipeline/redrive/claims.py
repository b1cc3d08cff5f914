"""Keeping what a redrive run holds out of every other consumer's reach for as long as it holds it.

SQS hides a received message for its visibility timeout; S3 has no such thing, so an object is
claimed with a lease object (:mod:`pipeline.redrive.lease`). Either claim is short (a minute by
default) so that a killed run's items come back soon, and a :class:`Heartbeat` renews every
claim the run still holds every third of that time, however long its batch takes: a second
redrive never sees an item the first one is working on. A claim that could not be renewed is
remembered as lost, and reported with its item.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError

#: ChangeMessageVisibilityBatch takes at most 10 entries.
_SQS_BATCH: Final = 10


class Heartbeat:
    """Calls ``beat`` every ``interval`` seconds on a daemon thread, from :meth:`start` to :meth:`stop`."""

    def __init__(self, beat: Callable[[], None], interval: float, name: str = "redrive-heartbeat") -> None:
        self._beat = beat
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._beat()  # beats handle their own errors: a dead heartbeat would lose every claim

    def start(self) -> None:
        if not self._thread.is_alive() and not self._stop.is_set():
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


class VisibilityKeeper:
    """The messages a run holds (id -> newest receipt handle), kept invisible while held."""

    def __init__(self, sqs: Any, queue_url: str, timeout: int) -> None:
        self._sqs = sqs
        self._queue_url = queue_url
        self.timeout = timeout
        self._held: dict[str, str] = {}
        self._lost: dict[str, str] = {}
        # Held while a renewal is in flight, so a message is never released half-way through one.
        self._lock = threading.Lock()

    def hold(self, message_id: str, receipt_handle: str) -> None:
        """Hold a message (again, with its newest receipt handle when it was delivered twice)."""
        with self._lock:
            self._held[message_id] = receipt_handle

    def holds(self, message_id: str) -> bool:
        with self._lock:
            return message_id in self._held

    def release(self, message_id: str) -> str | None:
        """Stop renewing a message; returns its newest receipt handle."""
        with self._lock:
            return self._held.pop(message_id, None)

    def lost(self, message_id: str) -> str | None:
        """Why the message's visibility could not be extended, or None."""
        with self._lock:
            return self._lost.get(message_id)

    def renew(self) -> None:
        """Hide every held message for another ``timeout`` seconds."""
        with self._lock:
            self._change(dict(self._held), self.timeout)

    def release_all(self) -> None:
        """Make every message still held visible again, now."""
        with self._lock:
            held, self._held = self._held, {}
            self._change(held, 0)

    def _change(self, handles: dict[str, str], timeout: int) -> None:
        items = list(handles.items())
        for first in range(0, len(items), _SQS_BATCH):
            chunk = items[first : first + _SQS_BATCH]
            entries = [
                {"Id": str(index), "ReceiptHandle": handle, "VisibilityTimeout": timeout}
                for index, (_, handle) in enumerate(chunk)
            ]
            try:
                response = self._sqs.change_message_visibility_batch(
                    QueueUrl=self._queue_url, Entries=entries
                )
            except (ClientError, BotoCoreError) as exc:
                for message_id, _ in chunk:
                    self._lost.setdefault(message_id, f"ChangeMessageVisibility failed: {exc}")
                continue
            for failure in response.get("Failed", []):
                message_id = chunk[int(failure["Id"])][0]
                reason = ": ".join(filter(None, [failure.get("Code"), failure.get("Message")]))
                self._lost.setdefault(message_id, f"ChangeMessageVisibility failed: {reason}")
