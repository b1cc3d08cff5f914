"""The record-processor extension point.

A team plugs its own business logic in without forking this package: ship a module in the same
zip and name its function in ``STREAM_HANDLER_PROCESSOR`` as ``package.module:function``. The
function is called once per allowed record::

    def process_record(record: ChangeRecord, context: ProcessingContext) -> None: ...

Returning means success. Raising fails the record (it is reported in ``batchItemFailures``, so
the mapping retries it). Raising :class:`DropRecord` skips it on purpose and
counts it in the ``RecordsDropped`` metric.

The processor is imported and checked at init, so a typo fails the deployment's first
invocation with a message naming the variable, not every record.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics

from handler.config import PROCESSOR, ConfigError, HandlerConfig
from handler.record import ChangeRecord

if TYPE_CHECKING:
    # Annotation only: the notifier module loads when a topic is configured (see handler.app).
    from handler.notifier import Notifier


class InvalidRecordError(ValueError):
    """The record's data breaks the processor's rules: it fails, logged with its reason, no traceback."""


class DropRecord(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raise from a record processor to skip a record on purpose: counted and logged, not failed."""


@dataclass(frozen=True, slots=True)
class ProcessingContext:
    """What a record processor may use besides the record; one instance per function init."""

    config: HandlerConfig
    logger: Logger
    """Powertools Logger (structured JSON). Log identities, not images: those are personal data."""
    metrics: Metrics
    """Powertools Metrics; anything added is flushed with the batch's own counts."""
    notifier: Notifier | None
    """Publishes to the configured SNS topic; ``None`` when no topic is configured."""

    def record_fields(self, record: ChangeRecord) -> dict[str, Any]:
        """Fields that identify ``record`` in a log line; images only if image logging is on."""
        fields: dict[str, Any] = {
            "event_id": record.event_id,
            "event_name": record.event_name,
            "sequence_number": record.sequence_number,
            "keys": record.keys,
        }
        if self.config.log_images:
            fields["new_image"] = record.new_image
            fields["old_image"] = record.old_image
        return fields


RecordProcessor = Callable[[ChangeRecord, ProcessingContext], object]
"""``(record, context) -> None``; raise to fail the record."""


def load_processor(spec: str) -> RecordProcessor:
    """Import the processor named by ``spec`` (``package.module:function``).

    Raises ConfigError naming ``STREAM_HANDLER_PROCESSOR`` and the expected form when the spec is
    malformed, the module cannot be imported, or the attribute is missing or not callable.
    """
    module_name, separator, function_name = spec.strip().partition(":")
    if not (
        separator
        and function_name.isidentifier()
        and all(part.isidentifier() for part in module_name.split("."))
    ):
        raise ConfigError(PROCESSOR, f"expected 'package.module:function', got {spec!r}")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ConfigError(
            PROCESSOR, f"cannot import module {module_name!r} from {spec!r}: {error}"
        ) from error
    processor = getattr(module, function_name, None)
    if processor is None:
        raise ConfigError(
            PROCESSOR, f"module {module_name!r} has no attribute {function_name!r} (from {spec!r})"
        )
    if not callable(processor):
        raise ConfigError(PROCESSOR, f"{spec!r} is not callable")
    _check_signature(spec, processor)
    return processor  # type: ignore[no-any-return]


def _check_signature(spec: str, processor: Callable[..., object]) -> None:
    # Catch a processor written for another signature (e.g. Powertools' record_handler(record))
    # at init rather than as a TypeError on every record.
    try:
        signature = inspect.signature(processor)
    except (TypeError, ValueError):  # builtins without a signature: trust them
        return
    try:
        signature.bind(None, None)
    except TypeError:
        raise ConfigError(
            PROCESSOR,
            f"{spec!r} must accept two positional arguments "
            f"(record: ChangeRecord, context: ProcessingContext), its signature is {signature}",
        ) from None
