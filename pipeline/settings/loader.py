"""Where the settings come from: the provider-free modules on a tfvars file, or a Terraform plan.

There is no Python copy of the defaults: :func:`load_from_modules` renders ``modules/esm-settings``
and ``modules/handler-settings`` with the user's tfvars; :func:`load_from_plan` reads the
``aws_lambda_event_source_mapping`` and ``aws_lambda_function`` resources of a
``terraform show -json <planfile>`` document, i.e. exactly what would be deployed.
:func:`load_settings` is the one entry point every command uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pipeline.errors import SettingsError
from pipeline.settings.model import (
    DEFAULT_FUNCTION_NAME,
    DEFAULT_HANDLER,
    EsmSettings,
    FunctionSettings,
    Settings,
)
from pipeline.settings.terraform import DEFAULT_CACHE_DIR, declared_variables, module_dir, render_module

ESM_MODULE = module_dir("esm-settings")
HANDLER_MODULE = module_dir("handler-settings")


def load_settings(
    *,
    var_file: Path | None = None,
    plan_json: Path | None = None,
    handler_variables: Mapping[str, str] | None = None,
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
) -> Settings:
    """Settings from the plan JSON when given, else from the modules on ``var_file`` (or defaults).

    ``handler_variables`` are ``modules/handler-settings`` variables only known at run time (the
    local topic ARN); they do not apply to a plan, whose environment is already rendered.
    """
    if plan_json is not None:
        return load_from_plan(plan_json)
    return load_from_modules(var_file, handler_variables=handler_variables, cache_dir=cache_dir)


def load_from_modules(
    var_file: Path | None = None,
    *,
    handler_variables: Mapping[str, str] | None = None,
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
) -> Settings:
    """Render both provider-free modules on one tfvars file (a key neither declares is an error)."""
    shared = declared_variables(ESM_MODULE) | declared_variables(HANDLER_MODULE)
    mapping = render_module(ESM_MODULE, var_file, cache_dir=cache_dir, also_declared=shared).get("mapping")
    if not isinstance(mapping, dict):
        raise SettingsError(f"{ESM_MODULE} has no `mapping` output")
    handler = render_module(
        HANDLER_MODULE, var_file, handler_variables, cache_dir=cache_dir, also_declared=shared
    )
    function = FunctionSettings(
        environment={str(k): str(v) for k, v in (handler.get("environment_variables") or {}).items()},
        timeout=int(handler["timeout"]),
        memory_size=int(handler["memory_size"]),
        handler=str(handler.get("handler") or DEFAULT_HANDLER),
    )
    esm = EsmSettings.from_mapping(mapping)
    return Settings(esm=esm, function=function, source=str(var_file or "module defaults"))


def _object(value: Any, where: str, plan_json: Path) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SettingsError(f"{plan_json}: {where} must be a JSON object, not {type(value).__name__}")
    return value


def _list(value: Any, where: str, plan_json: Path) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SettingsError(f"{plan_json}: {where} must be a JSON list, not {type(value).__name__}")
    return value


def _plan_resources(module: Mapping[str, Any], where: str, plan_json: Path) -> Iterator[Mapping[str, Any]]:
    for index, resource in enumerate(_list(module.get("resources"), f"{where}.resources", plan_json)):
        yield _object(resource, f"{where}.resources[{index}]", plan_json)
    for index, child in enumerate(_list(module.get("child_modules"), f"{where}.child_modules", plan_json)):
        at = f"{where}.child_modules[{index}]"
        yield from _plan_resources(_object(child, at, plan_json), at, plan_json)


def load_from_plan(plan_json: Path) -> Settings:
    """Read the settings from ``terraform show -json <planfile>`` output.

    A document of another shape is a SettingsError naming the part that is wrong, never a traceback.
    """
    try:
        document = json.loads(plan_json.read_text())
    except (OSError, ValueError) as exc:
        raise SettingsError(f"cannot read the plan JSON {plan_json}: {exc}") from exc
    if not isinstance(document, dict):
        raise SettingsError(f"{plan_json}: not a `terraform show -json` document (not a JSON object)")
    planned = _object(document.get("planned_values"), "planned_values", plan_json)
    root = _object(planned.get("root_module"), "planned_values.root_module", plan_json)
    resources = list(_plan_resources(root, "planned_values.root_module", plan_json))
    mappings = [r for r in resources if r.get("type") == "aws_lambda_event_source_mapping"]
    functions = [r for r in resources if r.get("type") == "aws_lambda_function"]
    if len(mappings) != 1 or len(functions) != 1:
        raise SettingsError(
            f"{plan_json}: expected one aws_lambda_event_source_mapping and one aws_lambda_function, "
            f"found {len(mappings)} and {len(functions)}"
        )
    try:
        esm = EsmSettings.from_plan_values(_object(mappings[0].get("values"), "mapping values", plan_json))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SettingsError(f"{plan_json}: aws_lambda_event_source_mapping values: {exc!r}") from exc
    values = _object(functions[0].get("values"), "function values", plan_json)
    try:
        environment: dict[str, str] = {}
        for block in _list(values.get("environment"), "aws_lambda_function environment", plan_json):
            variables = _object(block, "aws_lambda_function environment", plan_json).get("variables")
            environment.update(
                {str(k): str(v) for k, v in _object(variables, "variables", plan_json).items()}
            )
        function = FunctionSettings(
            environment=environment,
            timeout=int(values.get("timeout") or 3),
            memory_size=int(values.get("memory_size") or 128),
            handler=str(values.get("handler") or DEFAULT_HANDLER),
            function_name=str(values.get("function_name") or DEFAULT_FUNCTION_NAME),
        )
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{plan_json}: aws_lambda_function values: {exc!r}") from exc
    return Settings(esm=esm, function=function, source=str(plan_json))
