"""The settings the local mapping and the local function run with, in one model each.

:class:`EsmSettings` is the event source mapping (Lambda API semantics), :class:`FunctionSettings`
the function's configuration as Terraform renders it; both come from the Terraform configuration
only (:mod:`pipeline.settings.loader`), never from Python defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

#: The handler string of the packaged zip (docs/DESIGN.md contract).
DEFAULT_HANDLER: Final = "handler.entrypoint.lambda_handler"
DEFAULT_FUNCTION_NAME: Final = "ddb-stream-handler"


@dataclass(frozen=True)
class EsmSettings:
    """The event source mapping settings the poller applies (Lambda API semantics)."""

    batch_size: int
    maximum_batching_window_in_seconds: float
    starting_position: str
    parallelization_factor: int
    bisect_batch_on_function_error: bool
    maximum_retry_attempts: int
    maximum_record_age_in_seconds: int
    tumbling_window_in_seconds: int
    function_response_types: tuple[str, ...]
    filter_patterns: tuple[str, ...]
    destination_arn: str | None = None

    @property
    def report_batch_item_failures(self) -> bool:
        """FunctionResponseTypes contains ReportBatchItemFailures."""
        return "ReportBatchItemFailures" in self.function_response_types

    @property
    def filter_criteria(self) -> dict[str, Any]:
        """FilterCriteria as the Lambda API spells it."""
        return {"Filters": [{"Pattern": pattern} for pattern in self.filter_patterns]}

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], destination_arn: str | None = None) -> EsmSettings:
        """From the Lambda API names (``modules/esm-settings`` output ``mapping``)."""
        filters = (mapping.get("FilterCriteria") or {}).get("Filters") or []
        destination = ((mapping.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
            "Destination"
        ) or destination_arn
        return cls(
            batch_size=int(mapping["BatchSize"]),
            maximum_batching_window_in_seconds=float(mapping.get("MaximumBatchingWindowInSeconds") or 0),
            starting_position=str(mapping["StartingPosition"]),
            parallelization_factor=int(mapping.get("ParallelizationFactor") or 1),
            bisect_batch_on_function_error=bool(mapping.get("BisectBatchOnFunctionError")),
            maximum_retry_attempts=int(mapping["MaximumRetryAttempts"]),
            maximum_record_age_in_seconds=int(mapping["MaximumRecordAgeInSeconds"]),
            tumbling_window_in_seconds=int(mapping.get("TumblingWindowInSeconds") or 0),
            function_response_types=tuple(mapping.get("FunctionResponseTypes") or ()),
            filter_patterns=tuple(str(f["Pattern"]) for f in filters),
            destination_arn=destination,
        )

    @classmethod
    def from_plan_values(cls, values: Mapping[str, Any]) -> EsmSettings:
        """From an ``aws_lambda_event_source_mapping`` resource's planned values (snake_case)."""
        patterns: list[str] = []
        for criteria in values.get("filter_criteria") or []:
            for item in criteria.get("filter") or []:
                patterns.append(str(item["pattern"]))
        destination: str | None = None
        for config in values.get("destination_config") or []:
            for on_failure in config.get("on_failure") or []:
                destination = on_failure.get("destination_arn") or destination

        def number(name: str, default: int) -> int:
            value = values.get(name)
            return default if value is None else int(value)

        # Unset optional arguments are null in a plan; these are Lambda's own API defaults.
        return cls(
            batch_size=number("batch_size", 100),
            maximum_batching_window_in_seconds=float(values.get("maximum_batching_window_in_seconds") or 0),
            starting_position=str(values.get("starting_position") or "TRIM_HORIZON"),
            parallelization_factor=number("parallelization_factor", 1),
            bisect_batch_on_function_error=bool(values.get("bisect_batch_on_function_error")),
            maximum_retry_attempts=number("maximum_retry_attempts", -1),
            maximum_record_age_in_seconds=number("maximum_record_age_in_seconds", -1),
            tumbling_window_in_seconds=number("tumbling_window_in_seconds", 0),
            function_response_types=tuple(values.get("function_response_types") or ()),
            filter_patterns=tuple(patterns),
            destination_arn=destination,
        )

    def not_emulated(self) -> list[str]:
        """Settings the local mapping does not reproduce (shown to the user, never silently ignored)."""
        notes = []
        if self.tumbling_window_in_seconds > 0:
            notes.append(
                f"TumblingWindowInSeconds {self.tumbling_window_in_seconds}: "
                "tumbling windows are not emulated"
            )
        return notes

    def to_json(self) -> dict[str, Any]:
        """Lambda API names, for display and the cache."""
        mapping: dict[str, Any] = {
            "BatchSize": self.batch_size,
            "MaximumBatchingWindowInSeconds": self.maximum_batching_window_in_seconds,
            "StartingPosition": self.starting_position,
            "ParallelizationFactor": self.parallelization_factor,
            "BisectBatchOnFunctionError": self.bisect_batch_on_function_error,
            "MaximumRetryAttempts": self.maximum_retry_attempts,
            "MaximumRecordAgeInSeconds": self.maximum_record_age_in_seconds,
            "TumblingWindowInSeconds": self.tumbling_window_in_seconds,
            "FunctionResponseTypes": list(self.function_response_types),
            "FilterCriteria": self.filter_criteria,
        }
        if self.destination_arn:
            mapping["DestinationConfig"] = {"OnFailure": {"Destination": self.destination_arn}}
        return mapping


@dataclass(frozen=True)
class FunctionSettings:
    """The function's configuration: environment, limits, handler and name.

    ``environment`` is the function's own variables (``modules/handler-settings`` output
    ``environment_variables``, or the planned ``aws_lambda_function``); the local worker adds
    Lambda's reserved variables when it starts an environment.
    """

    environment: Mapping[str, str]
    timeout: float  # seconds; Terraform renders whole seconds, tests use fractions
    memory_size: int
    handler: str = DEFAULT_HANDLER
    function_name: str = DEFAULT_FUNCTION_NAME

    def with_environment(self, **overrides: str) -> FunctionSettings:
        """The same function with some environment variables set (e.g. a local topic ARN)."""
        return replace(self, environment={**self.environment, **overrides})

    def named(self, function_name: str | None) -> FunctionSettings:
        """The same function under another name (None: keep this one)."""
        return replace(self, function_name=function_name) if function_name else self


@dataclass(frozen=True)
class Settings:
    """Both halves, rendered from the same tfvars, and where they came from."""

    esm: EsmSettings
    function: FunctionSettings
    source: str = field(default="")

    def as_document(self) -> dict[str, Any]:
        """What ``python -m pipeline settings`` prints."""
        return {
            "mapping": self.esm.to_json(),
            "function": {
                "handler": self.function.handler,
                "timeout": self.function.timeout,
                "memory_size": self.function.memory_size,
                "environment": dict(self.function.environment),
            },
            "source": self.source,
        }
