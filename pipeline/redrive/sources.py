"""Where parked batches are redriven from: an SQS queue, or the objects of an S3 destination bucket.

* :class:`SqsSource` reads the on-failure queue itself, or, for an SNS destination, a queue
  subscribed to the topic (the notification envelope is unwrapped by
  :func:`pipeline.esm.on_failure.parse_failure_body`). Every received message stays invisible
  while the run holds it (:class:`pipeline.redrive.claims.VisibilityKeeper`); a message is deleted
  when done, moved to the archive queue when rejected, and made visible again at the end of the
  run when kept.
* :class:`S3Source` lists the objects under ``aws/lambda/`` (or a prefix), each claimed with a
  lease (:mod:`pipeline.redrive.lease`); an object whose records all succeeded is moved to
  ``redriven/<key>`` (copy, then a conditional delete of the original) or deleted. An object whose
  copy exists already was redriven by a run that stopped before its delete: that move is finished
  without running the batch again.

Both answer the same :class:`Source` protocol, which the engine (:mod:`pipeline.redrive.engine`)
drives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final, Protocol
from urllib.parse import urlparse

from botocore.exceptions import ClientError

from pipeline.errors import InputError
from pipeline.esm.on_failure import S3_KEY_PREFIX
from pipeline.redrive.claims import Heartbeat, VisibilityKeeper
from pipeline.redrive.lease import LEASE_PREFIX, S3Leases
from pipeline.stream.shards import error_code

REDRIVEN_PREFIX: Final = "redriven/"
_QUEUE_NAME: Final = re.compile(r"[A-Za-z0-9_-]{1,80}")
_BUCKET: Final = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_NO_QUEUE: Final = {"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"}


class ItemChangedError(Exception):
    """The item was rewritten while this run redrove it: what ran is not what is there now."""


#: Object metadata on a ``redriven/`` copy: the ETag of the object it is a copy of.
COPIED_FROM: Final = "redriven-from-etag"


@dataclass
class Parked:
    """One parked batch as its source holds it: a message, or an object."""

    item_id: str  # MessageId, or object key
    body: str
    kind: str = "message"  # or "object"
    #: Set when another run holds it: who, and until when (it is skipped, not read).
    claimed_elsewhere: str = ""
    #: An earlier run redrove it and stopped before removing it (S3: its redriven copy exists).
    already_redriven: bool = False


class Source(Protocol):
    """What the engine needs from a place that holds parked batches."""

    description: str
    #: Its records carry the batch (S3 objects); a queue's records are pointers into the stream.
    carries_records: bool

    def items(self) -> Iterator[Parked]:
        """Each parked batch once, claimed for this run while it is processed."""
        ...

    def complete(self, item: Parked) -> str:
        """Every record succeeded: remove it (delete or move); returns what was done."""
        ...

    def keep(self, item: Parked) -> None:
        """It stays for a later run."""
        ...

    def move(self, item: Parked, outcome: str) -> str | None:
        """Move it out of the way (archive queue); None when this source cannot (it is kept)."""
        ...

    def claim_lost(self, item: Parked) -> str | None:
        """Why this run's claim on it lapsed while it worked (another run may have seen it), or None."""
        ...

    def close(self) -> int:
        """Release everything still held; returns how many items others held (in flight elsewhere)."""
        ...


def check_queue_url(url: str, option: str = "--queue-url") -> None:
    """An SQS queue URL: ``http(s)://host/<account>/<queue name>``; raises InputError naming what is wrong."""
    parsed = urlparse(url)
    parts = [part for part in parsed.path.split("/") if part]
    if url.startswith("arn:aws:sns:") or url.startswith("arn:"):
        raise InputError(
            f"{option} takes a queue URL, not an ARN: {url} (an SNS destination is redriven through a "
            "queue subscribed to the topic)"
        )
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InputError(f"{option} is not an http(s) URL: {url!r}")
    name = parts[1].removesuffix(".fifo") if len(parts) == 2 else ""
    if len(parts) != 2 or not parts[0].isdigit() or not _QUEUE_NAME.fullmatch(name):
        raise InputError(
            f"{option} is not a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME): {url}"
        )


def check_queue_exists(sqs: Any, url: str, option: str = "--queue-url") -> None:
    """Fail clearly when the queue does not exist."""
    try:
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    except ClientError as exc:
        if error_code(exc) in _NO_QUEUE:
            raise InputError(f"{option}: queue {url} does not exist") from exc
        raise


class SqsSource:
    """The messages of one queue (the on-failure queue, or one subscribed to the on-failure topic)."""

    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        *,
        visibility_timeout: int,
        wait_seconds: int = 1,
        max_messages: int | None = None,
        archive_queue_url: str | None = None,
    ) -> None:
        self.description = queue_url
        self.carries_records = False
        self._sqs = sqs
        self._queue_url = queue_url
        self._wait_seconds = wait_seconds
        self._max_messages = max_messages
        self._archive_queue_url = archive_queue_url
        self._keeper = VisibilityKeeper(sqs, queue_url, visibility_timeout)
        self._heartbeat = Heartbeat(self._keeper.renew, visibility_timeout / 3)
        self._completed: set[str] = set()

    def items(self) -> Iterator[Parked]:
        """Receive until the queue has nothing this run has not seen.

        A message delivered again (SQS delivers at least once) is not processed twice: if it is
        held, its newest receipt handle is kept; if it was already deleted, it is deleted again.
        """
        self._heartbeat.start()
        seen: set[str] = set()
        delivered = 0
        stale = 0
        while self._max_messages is None or delivered < self._max_messages:
            wanted = 10 if self._max_messages is None else min(10, self._max_messages - delivered)
            messages = self._sqs.receive_message(
                QueueUrl=self._queue_url,
                MaxNumberOfMessages=wanted,
                WaitTimeSeconds=self._wait_seconds,
                VisibilityTimeout=self._keeper.timeout,
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not messages:
                return
            fresh = []
            for message in messages:
                message_id, handle = message["MessageId"], message["ReceiptHandle"]
                if message_id in self._completed:
                    self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=handle)
                elif message_id in seen:
                    if self._keeper.holds(message_id):
                        self._keeper.hold(message_id, handle)
                else:
                    seen.add(message_id)
                    self._keeper.hold(message_id, handle)
                    fresh.append(message)
            # Only re-deliveries twice in a row: nothing new is left.
            stale = 0 if fresh else stale + 1
            if stale >= 2:
                return
            for message in fresh:
                delivered += 1
                yield Parked(message["MessageId"], message["Body"])

    def _handle(self, item: Parked) -> str:
        handle = self._keeper.release(item.item_id)
        assert handle is not None, f"message {item.item_id} is not held by this run"
        return handle

    def complete(self, item: Parked) -> str:
        self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=self._handle(item))
        self._completed.add(item.item_id)
        return "deleted"

    def keep(self, item: Parked) -> None:
        """Stays hidden until the run ends (so this run does not receive it again), then visible."""

    def move(self, item: Parked, outcome: str) -> str | None:
        """Copy the message to the archive queue (with the outcome), then delete the original."""
        if not self._archive_queue_url:
            return None
        attributes = {
            "redriveOutcome": {"DataType": "String", "StringValue": outcome},
            "redriveSourceQueue": {"DataType": "String", "StringValue": self._queue_url},
            "redriveOriginalMessageId": {"DataType": "String", "StringValue": item.item_id},
        }
        self._sqs.send_message(
            QueueUrl=self._archive_queue_url, MessageBody=item.body, MessageAttributes=attributes
        )
        self._sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=self._handle(item))
        self._completed.add(item.item_id)
        return self._archive_queue_url

    def claim_lost(self, item: Parked) -> str | None:
        return self._keeper.lost(item.item_id)

    def close(self) -> int:
        self._heartbeat.stop()
        self._keeper.release_all()
        attributes = self._sqs.get_queue_attributes(
            QueueUrl=self._queue_url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"]
        return int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0))


def parse_s3_location(url: str) -> tuple[str, str]:
    """``s3://bucket[/prefix]`` -> (bucket, prefix); the prefix defaults to Lambda's ``aws/lambda/``."""
    if not url.startswith("s3://"):
        raise InputError(f"--s3-url takes s3://BUCKET[/PREFIX], got {url!r}")
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    if not _BUCKET.fullmatch(bucket):
        raise InputError(f"--s3-url: {bucket!r} is not a bucket name")
    if prefix.startswith((REDRIVEN_PREFIX, LEASE_PREFIX)):
        raise InputError(f"--s3-url: {prefix!r} is where redrive keeps its own objects")
    return bucket, prefix or S3_KEY_PREFIX


class S3Source:
    """The on-failure objects of a bucket, under one prefix."""

    def __init__(
        self,
        s3: Any,
        bucket: str,
        prefix: str = S3_KEY_PREFIX,
        *,
        lease_seconds: int,
        after_redrive: str = "move",
        dry_run: bool = False,
        max_messages: int | None = None,
        leases: S3Leases | None = None,
    ) -> None:
        self.description = f"s3://{bucket}/{prefix}"
        self.carries_records = True
        self._s3 = s3
        self._bucket = bucket
        self._prefix = prefix
        self._after = after_redrive
        self._dry_run = dry_run
        self._max = max_messages
        self._leases = leases or S3Leases(s3, bucket, lease_seconds)
        self._heartbeat = Heartbeat(self._leases.renew, lease_seconds / 3)
        self._etags: dict[str, str] = {}

    def _copied_from(self, key: str) -> str | None:
        """The ETag the ``redriven/`` copy of ``key`` was made from, or None (no copy)."""
        try:
            head = self._s3.head_object(Bucket=self._bucket, Key=REDRIVEN_PREFIX + key)
        except ClientError as exc:
            if error_code(exc) in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        return str(head.get("Metadata", {}).get(COPIED_FROM, ""))

    def items(self) -> Iterator[Parked]:
        self._heartbeat.start()
        count = 0
        for page in self._s3.get_paginator("list_objects_v2").paginate(
            Bucket=self._bucket, Prefix=self._prefix
        ):
            for listed in page.get("Contents", []):
                key = str(listed["Key"])
                if key.startswith((REDRIVEN_PREFIX, LEASE_PREFIX)):
                    continue
                if self._max is not None and count >= self._max:
                    return
                count += 1
                # A dry run changes nothing, leases included.
                holder = None if self._dry_run else self._leases.acquire(key)
                if holder is not None:
                    yield Parked(key, "", "object", claimed_elsewhere=f"leased by {holder.owner}")
                    continue
                try:
                    got = self._s3.get_object(Bucket=self._bucket, Key=key)
                except ClientError as exc:
                    if error_code(exc) not in {"NoSuchKey", "404"}:
                        raise
                    self._leases.release(key)  # removed since the listing (another run finished it)
                    continue
                self._etags[key] = str(got["ETag"])
                body = got["Body"].read().decode("utf-8", errors="replace")
                # Only a copy of this very version proves its records succeeded.
                done = self._after == "move" and self._copied_from(key) == _bare(got["ETag"])
                yield Parked(key, body, "object", already_redriven=done)

    def complete(self, item: Parked) -> str:
        """Copy (this version only) to ``redriven/``, then delete it if it is still this version.

        Raises :class:`ItemChangedError` when the object was rewritten since it was read: the
        new version has not been run, so it stays.
        """
        key = item.item_id
        etag = self._etags.pop(key)
        where = "deleted"
        try:
            if self._after == "move":
                target = REDRIVEN_PREFIX + key
                if not item.already_redriven:
                    self._s3.copy_object(
                        Bucket=self._bucket,
                        Key=target,
                        CopySource={"Bucket": self._bucket, "Key": key},
                        CopySourceIfMatch=etag,
                        MetadataDirective="REPLACE",
                        Metadata={COPIED_FROM: _bare(etag)},
                        ContentType="application/json",
                    )
                where = f"moved to s3://{self._bucket}/{target}"
            self._s3.delete_object(Bucket=self._bucket, Key=key, IfMatch=etag)
        except ClientError as exc:
            if error_code(exc) not in {"PreconditionFailed", "412"}:
                raise
            raise ItemChangedError(
                f"s3://{self._bucket}/{key} was rewritten while it was redriven; "
                "kept for a run of its new content"
            ) from exc
        finally:
            self._leases.release(key)
        return where

    def keep(self, item: Parked) -> None:
        self._etags.pop(item.item_id, None)
        if not item.claimed_elsewhere:
            self._leases.release(item.item_id)

    def move(self, item: Parked, outcome: str) -> str | None:
        """Objects are kept where they are (the bucket is their archive)."""
        del item, outcome
        return None

    def claim_lost(self, item: Parked) -> str | None:
        return self._leases.lost(item.item_id)

    def close(self) -> int:
        """Objects held by other runs were reported one by one, as ``claimed`` outcomes."""
        self._heartbeat.stop()
        self._leases.release_all()
        return 0


def _bare(etag: object) -> str:
    """An ETag without its quotes (metadata values cannot hold them as S3 returns them)."""
    return str(etag).strip('"')
