"""The mapping's and the function's settings, taken from the Terraform configuration only.

There is no Python copy of the defaults: the provider-free modules ``modules/esm-settings``
and ``modules/handler-settings`` are applied with the bundled Terraform on the user's tfvars
(in a temporary directory, so the module directories stay clean) and their outputs are read
with ``terraform output -json``. Alternatively the values are read from the
``aws_lambda_event_source_mapping`` and ``aws_lambda_function`` resources of a
``terraform show -json <planfile>`` document, i.e. exactly what would be deployed.

Rendering takes about a second, so results are cached under ``build/pipeline-settings/``
keyed by a hash of the module files, the tfvars file and the extra variables.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import SettingsError

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ESM_MODULE = PROJECT_ROOT / "modules" / "esm-settings"
HANDLER_MODULE = PROJECT_ROOT / "modules" / "handler-settings"
TERRAFORM = PROJECT_ROOT / "devtools" / "bin" / "terraform"
DEFAULT_CACHE_DIR = PROJECT_ROOT / "build" / "pipeline-settings"
CACHE_FORMAT = "1"


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
        if self.parallelization_factor > 1:
            notes.append(
                f"ParallelizationFactor {self.parallelization_factor}: "
                "batches of a shard run one at a time locally"
            )
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
    """What the worker needs from the function's configuration."""

    environment: dict[str, str]
    timeout: int
    memory_size: int
    handler: str = "handler.entrypoint.lambda_handler"
    function_name: str | None = None


@dataclass(frozen=True)
class Settings:
    """Both halves, rendered from the same tfvars."""

    esm: EsmSettings
    function: FunctionSettings
    source: str = field(default="")


def _module_files(module: Path) -> Iterator[Path]:
    return iter(sorted(path for path in module.glob("*.tf") if path.is_file()))


def _cache_key(module: Path, var_file: Path | None, variables: Mapping[str, str]) -> str:
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    for path in _module_files(module):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    if var_file is not None:
        digest.update(b"var-file\0" + var_file.read_bytes())
    digest.update(json.dumps(dict(variables), sort_keys=True).encode())
    return digest.hexdigest()[:32]


def _terraform_env() -> dict[str, str]:
    env = dict(os.environ)
    # The same CLI configuration as the Makefile (the schema-only provider stand-in); the
    # settings modules need no provider, but a user's own CLI config must not interfere.
    project_rc = PROJECT_ROOT / "build" / "terraform" / "terraformrc"
    if project_rc.is_file():
        env["TF_CLI_CONFIG_FILE"] = str(project_rc)
    elif not Path(env.get("TF_CLI_CONFIG_FILE", "/")).is_file():
        env.pop("TF_CLI_CONFIG_FILE", None)  # a dangling path only adds a warning to every diagnostic
    env["TF_IN_AUTOMATION"] = "1"
    env["CHECKPOINT_DISABLE"] = "1"
    env.pop("TF_DATA_DIR", None)
    return env


def _run_terraform(args: list[str], cwd: Path, what: str) -> str:
    try:
        completed = subprocess.run(
            [str(TERRAFORM), *args, "-no-color"],
            cwd=cwd,
            env=_terraform_env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    except OSError as exc:
        raise SettingsError(f"cannot run Terraform ({TERRAFORM}): {exc}") from exc
    if completed.returncode != 0:
        diagnostics = (completed.stderr.strip() or completed.stdout.strip()) or "(no output)"
        raise SettingsError(f"Terraform failed to {what}:\n{diagnostics}")
    return completed.stdout


def render_module(
    module: Path,
    var_file: Path | None = None,
    variables: Mapping[str, str] | None = None,
    *,
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
) -> dict[str, Any]:
    """``terraform apply`` a provider-free module in a temp copy; returns all outputs' values.

    ``variables`` are passed as ``-var`` after ``-var-file`` (so they win) - the local
    pipeline uses them for values only known at run time, such as the local topic ARN.
    """
    variables = dict(variables or {})
    if not module.is_dir():
        raise SettingsError(f"Terraform module not found: {module}")
    if var_file is not None:
        var_file = var_file.resolve()
        if not var_file.is_file():
            raise SettingsError(f"tfvars file not found: {var_file}")
    key = _cache_key(module, var_file, variables)
    cached = cache_dir / f"{module.name}-{key}.json" if cache_dir is not None else None
    if cached is not None and cached.is_file():
        outputs: dict[str, Any] = json.loads(cached.read_text())
        return outputs
    with tempfile.TemporaryDirectory(prefix=f"pipeline-{module.name}-") as scratch:
        work = Path(scratch)
        for path in _module_files(module):
            shutil.copy2(path, work / path.name)
        args = [
            "apply",
            "-auto-approve",
            "-input=false",
            "-compact-warnings",
            "-state=" + str(work / "tfstate"),
        ]
        if var_file is not None:
            args.append(f"-var-file={var_file}")
        args += [f"-var={name}={value}" for name, value in variables.items()]
        _run_terraform(["init", "-input=false", "-backend=false"], work, f"initialise {module.name}")
        _run_terraform(args, work, f"apply {module.name} with {var_file or 'the defaults'}")
        raw = json.loads(
            _run_terraform(["output", "-json", "-state=" + str(work / "tfstate")], work, "read outputs")
        )
    outputs = {name: entry["value"] for name, entry in raw.items()}
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".tmp")
        partial.write_text(json.dumps(outputs, indent=2, sort_keys=True))
        partial.replace(cached)
    return outputs


def load_from_modules(
    var_file: Path | None = None,
    *,
    handler_variables: Mapping[str, str] | None = None,
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
    destination_arn: str | None = None,
) -> Settings:
    """Render both provider-free modules on one tfvars file."""
    mapping = render_module(ESM_MODULE, var_file, cache_dir=cache_dir).get("mapping")
    if not isinstance(mapping, dict):
        raise SettingsError(f"{ESM_MODULE} has no `mapping` output")
    handler = render_module(HANDLER_MODULE, var_file, handler_variables, cache_dir=cache_dir)
    function = FunctionSettings(
        environment={str(k): str(v) for k, v in (handler.get("environment_variables") or {}).items()},
        timeout=int(handler["timeout"]),
        memory_size=int(handler["memory_size"]),
        handler=str(handler.get("handler") or "handler.entrypoint.lambda_handler"),
    )
    esm = EsmSettings.from_mapping(mapping, destination_arn=destination_arn)
    return Settings(esm=esm, function=function, source=str(var_file or "module defaults"))


def _plan_resources(module: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield from module.get("resources") or []
    for child in module.get("child_modules") or []:
        yield from _plan_resources(child)


def load_from_plan(plan_json: Path, *, destination_arn: str | None = None) -> Settings:
    """Read the settings from ``terraform show -json <planfile>`` output."""
    try:
        document = json.loads(plan_json.read_text())
    except (OSError, ValueError) as exc:
        raise SettingsError(f"cannot read the plan JSON {plan_json}: {exc}") from exc
    root = (document.get("planned_values") or {}).get("root_module") or {}
    resources = list(_plan_resources(root))
    mappings = [r for r in resources if r.get("type") == "aws_lambda_event_source_mapping"]
    functions = [r for r in resources if r.get("type") == "aws_lambda_function"]
    if len(mappings) != 1 or len(functions) != 1:
        raise SettingsError(
            f"{plan_json}: expected one aws_lambda_event_source_mapping and one aws_lambda_function, "
            f"found {len(mappings)} and {len(functions)}"
        )
    esm = EsmSettings.from_plan_values(mappings[0].get("values") or {})
    if destination_arn:
        esm = EsmSettings.from_mapping(esm.to_json(), destination_arn) if not esm.destination_arn else esm
    values = functions[0].get("values") or {}
    environment: dict[str, str] = {}
    for block in values.get("environment") or []:
        environment.update({str(k): str(v) for k, v in (block.get("variables") or {}).items()})
    function = FunctionSettings(
        environment=environment,
        timeout=int(values.get("timeout") or 3),
        memory_size=int(values.get("memory_size") or 128),
        handler=str(values.get("handler") or "handler.entrypoint.lambda_handler"),
        function_name=values.get("function_name"),
    )
    return Settings(esm=esm, function=function, source=str(plan_json))
