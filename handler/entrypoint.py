"""The Lambda entry point: ``handler.entrypoint.lambda_handler``.

Init (this module's import) reads the configuration once, builds the Powertools logger and
metrics, and imports the record processor, so a bad setting fails at init with a message naming
the variable. It imports only what every configuration needs: boto3 (SNS, idempotency) and the
X-Ray SDK load only when configured, which keeps the cold start close to importing Powertools'
batch, logger and metrics modules alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse

from handler.app import StreamHandler
from handler.config import TRACING, ConfigError, HandlerConfig

CONFIG = HandlerConfig.from_environ(os.environ)
STREAM_HANDLER = StreamHandler(CONFIG)
logger = STREAM_HANDLER.logger


@logger.inject_lambda_context
def _handle(event: Mapping[str, Any], context: Any) -> PartialItemFailureResponse:
    return STREAM_HANDLER(event, context)


def _traced(handle: Callable[..., PartialItemFailureResponse]) -> Callable[..., PartialItemFailureResponse]:
    # Imported only when tracing is on: the X-Ray SDK is not in the package by default.
    import importlib.util  # noqa: PLC0415

    if importlib.util.find_spec("aws_xray_sdk") is None:
        raise ConfigError(TRACING, "tracing needs the aws-xray-sdk package in the Lambda package")
    from aws_lambda_powertools import Tracer  # noqa: PLC0415

    tracer = Tracer(service=CONFIG.service_name)
    return tracer.capture_lambda_handler(handle)


_HANDLE = _traced(_handle) if CONFIG.tracing else _handle


def lambda_handler(event: Mapping[str, Any], context: Any) -> PartialItemFailureResponse:
    """Process one DynamoDB Streams batch; returns ``{"batchItemFailures": [...]}``.

    Raises BatchProcessingError when every record failed, so the mapping retries (and, with
    BisectBatchOnFunctionError, splits) the batch. ``context`` may be None when run outside
    Lambda; a local stand-in is used then.
    """
    if context is None:
        # Only local runs get here; Lambda always passes its context.
        from handler.lambda_context import LocalLambdaContext  # noqa: PLC0415

        context = LocalLambdaContext.from_environ()
    return _HANDLE(event, context)
