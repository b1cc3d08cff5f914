"""Leases on S3 objects, so two redrives never run the same parked batch at once.

A lease is a small object ``redrive-leases/<object key>`` in the same bucket, written with S3's
conditional writes: ``If-None-Match: *`` creates it only if no lease exists, ``If-Match: <ETag>``
renews or takes it over only if it is still the lease we saw, and the conditional delete removes
it only if it is still ours. It names its owner and when it expires; a lease past its expiry (its
run was killed) may be taken over. Renewal is the run's heartbeat
(:class:`pipeline.redrive.claims.Heartbeat`).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from pipeline.stream.shards import error_code

LEASE_PREFIX: Final = "redrive-leases/"
#: S3's answers when a conditional write finds the condition false (412) or races another (409).
_CONFLICT: Final = {"PreconditionFailed", "ConditionalRequestConflict", "412", "409"}


def new_owner() -> str:
    """Who holds a lease: host, process and a random part (one per run)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class Holder:
    """Another run's live lease on an object."""

    owner: str
    expires_at: float


class S3Leases:
    """The leases one run holds in one bucket."""

    def __init__(
        self,
        s3: Any,
        bucket: str,
        seconds: int,
        owner: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._s3 = s3
        self._bucket = bucket
        self.seconds = seconds
        self.owner = owner or new_owner()
        self._clock = clock
        self._etags: dict[str, str] = {}
        self._lost: dict[str, str] = {}
        self._lock = threading.Lock()

    def _body(self) -> bytes:
        return json.dumps({"owner": self.owner, "expiresAt": self._clock() + self.seconds}).encode()

    def _put(self, key: str, **condition: str) -> str:
        response = self._s3.put_object(
            Bucket=self._bucket,
            Key=LEASE_PREFIX + key,
            Body=self._body(),
            ContentType="application/json",
            **condition,
        )
        return str(response["ETag"])

    def acquire(self, key: str) -> Holder | None:
        """Take the lease on ``key``; returns None when taken, or the live lease of another run."""
        for _ in range(3):  # a lease released or taken between our calls: look again
            try:
                etag = self._put(key, IfNoneMatch="*")
            except ClientError as exc:
                if error_code(exc) not in _CONFLICT:
                    raise
            else:
                with self._lock:
                    self._etags[key] = etag
                return None
            try:
                current = self._s3.get_object(Bucket=self._bucket, Key=LEASE_PREFIX + key)
            except ClientError as exc:
                if error_code(exc) in {"NoSuchKey", "404"}:
                    continue
                raise
            holder = _holder(current["Body"].read())
            if holder is not None and holder.expires_at > self._clock():
                return holder
            try:  # expired (its run died) or unreadable: take it over, unless someone else just did
                etag = self._put(key, IfMatch=str(current["ETag"]))
            except ClientError as exc:
                if error_code(exc) not in _CONFLICT:
                    raise
                continue
            with self._lock:
                self._etags[key] = etag
            return None
        return Holder("another redrive (the lease kept changing)", self._clock() + self.seconds)

    def renew(self) -> None:
        """Extend every held lease; one that is no longer ours is remembered as lost."""
        with self._lock:
            for key, etag in list(self._etags.items()):
                try:
                    self._etags[key] = self._put(key, IfMatch=etag)
                except (ClientError, BotoCoreError) as exc:
                    self._lost.setdefault(key, f"lease renewal failed: {exc}")

    def lost(self, key: str) -> str | None:
        with self._lock:
            return self._lost.get(key)

    def release(self, key: str) -> None:
        """Remove our lease on ``key`` (only if it is still ours)."""
        with self._lock:
            etag = self._etags.pop(key, None)
        if etag is None:
            return
        try:
            self._s3.delete_object(Bucket=self._bucket, Key=LEASE_PREFIX + key, IfMatch=etag)
        except ClientError as exc:
            if error_code(exc) not in _CONFLICT | {"NoSuchKey", "404"}:
                raise

    def release_all(self) -> None:
        with self._lock:
            keys = list(self._etags)
        for key in keys:
            with contextlib.suppress(ClientError, BotoCoreError):  # it expires by itself
                self.release(key)


def _holder(body: bytes) -> Holder | None:
    try:
        document = json.loads(body)
        return Holder(str(document["owner"]), float(document["expiresAt"]))
    except (ValueError, KeyError, TypeError):
        return None
