"""The deployed function, invoked by name through the Lambda API (redrive ``--function-name``)."""

from __future__ import annotations

import json
from typing import Any

from pipeline.runtime.invoker import InvokeResult, InvokeStatus


class DeployedFunction:
    """Invokes a deployed Lambda function (RequestResponse) and reads its answer like the mapping."""

    def __init__(self, lambda_client: Any, function_name: str) -> None:
        self._lambda = lambda_client
        self._name = function_name

    def invoke(self, event: Any, request_id: str | None = None) -> InvokeResult:
        """One synchronous invocation; ``request_id`` is Lambda's own, so the argument is ignored."""
        del request_id
        response = self._lambda.invoke(
            FunctionName=self._name,
            InvocationType="RequestResponse",
            Payload=json.dumps(event).encode("utf-8"),
        )
        raw = response["Payload"].read()
        request_id = str(response.get("ResponseMetadata", {}).get("RequestId", ""))
        try:
            payload = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            payload = raw.decode("utf-8", "replace")
        if response.get("FunctionError"):
            error = payload if isinstance(payload, dict) else {}
            return InvokeResult(
                InvokeStatus.ERROR,
                request_id,
                error_type=str(error.get("errorType", response["FunctionError"])),
                error_message=str(error.get("errorMessage", payload)),
            )
        return InvokeResult(InvokeStatus.OK, request_id, payload=payload)

    def close(self) -> None:
        """Nothing to release: the environment is Lambda's."""
