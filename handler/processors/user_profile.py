"""The bundled example processor: a new user profile is validated, logged and announced.

Profile schema (attributes of the item's NewImage):

=============  ========  =========  ==============================================================
attribute      type      required   rule
=============  ========  =========  ==============================================================
``user_id``    string    yes        the partition key; 1-128 characters
``email``      string    yes        ``local@domain.tld`` shape, at most 254 characters
``name``       string    yes        1-256 characters, not only spaces
``age``        number    no         a whole number from 0 to 150
``status``     string    no         one of ``active``, ``pending``, ``suspended``
=============  ========  =========  ==============================================================

Other attributes are allowed and ignored. Only INSERT records are handled; other event names
(if the allowed names include them) are left alone.

An invalid profile fails its record by default (``STREAM_HANDLER_INVALID_RECORD_ACTION=fail``):
the mapping retries it, then parks it on the failure queue, so nothing is lost and it can be
redriven after the data is fixed. With ``drop`` it is skipped and counted in ``RecordsDropped``.

The notification is JSON with the record's identity and the profile's non-personal fields
(``user_id``, ``status``); consumers that need more read the table. Publishing errors propagate,
so the record fails and the mapping retries it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from handler.config import InvalidRecordAction
from handler.processing import DropRecord, InvalidRecordError, ProcessingContext
from handler.record import ChangeRecord, Item, MalformedRecordError

NOTIFICATION_TYPE = "user_profile.created"
STATUSES = frozenset({"active", "pending", "suspended"})
MAX_AGE = 150
# Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is checked elsewhere.
# A string, compiled and cached by re on the first profile rather than at init.
_EMAIL = r"[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}"


class InvalidProfileError(InvalidRecordError):
    """The new profile breaks the schema; the message lists attribute names, never their values."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid user profile: " + "; ".join(problems))
        self.problems = problems


def process_record(record: ChangeRecord, context: ProcessingContext) -> None:
    """Validate an inserted profile, log it and publish a notification when a topic is configured."""
    if record.event_name != "INSERT":
        return
    if record.new_image is None:
        raise MalformedRecordError(
            "INSERT record has no NewImage: the table's stream view type must be "
            "NEW_IMAGE or NEW_AND_OLD_IMAGES"
        )
    problems = validate_profile(record.new_image)
    if problems:
        error = InvalidProfileError(problems)
        if context.config.invalid_record_action is InvalidRecordAction.DROP:
            raise DropRecord(str(error)) from error
        raise error
    profile = record.new_image
    context.logger.info(
        "user profile created",
        extra={**context.record_fields(record), "profile_status": profile.get("status")},
    )
    if context.notifier is not None:
        message_id = context.notifier.publish(notification(record), attributes={"type": NOTIFICATION_TYPE})
        context.logger.info(
            "user profile notification published",
            extra={"event_id": record.event_id, "message_id": message_id},
        )


def validate_profile(profile: Item) -> list[str]:
    """Return the schema problems of ``profile`` (empty when valid)."""
    problems: list[str] = []
    user_id = profile.get("user_id")
    if not isinstance(user_id, str) or not 1 <= len(user_id) <= 128:
        problems.append("user_id must be a string of 1-128 characters")
    email = profile.get("email")
    if not isinstance(email, str) or len(email) > 254 or not re.fullmatch(_EMAIL, email):
        problems.append("email must be a string shaped like name@example.com")
    name = profile.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 256:
        problems.append("name must be a non-blank string of at most 256 characters")
    if "age" in profile:
        age = profile["age"]
        if not isinstance(age, Decimal) or age != age.to_integral_value() or not 0 <= age <= MAX_AGE:
            problems.append(f"age must be a whole number from 0 to {MAX_AGE}")
    if "status" in profile and profile["status"] not in STATUSES:
        problems.append(f"status must be one of {', '.join(sorted(STATUSES))}")
    return problems


def notification(record: ChangeRecord) -> dict[str, Any]:
    """The SNS message for a created profile: identity and non-personal fields only."""
    profile = record.new_image or {}
    created = record.approximate_creation_datetime
    return {
        "type": NOTIFICATION_TYPE,
        "user_id": profile.get("user_id"),
        "status": profile.get("status"),
        "event_id": record.event_id,
        "sequence_number": record.sequence_number,
        "stream_arn": record.stream_arn,
        "approximate_creation_time": None if created is None else created.isoformat(),
    }
