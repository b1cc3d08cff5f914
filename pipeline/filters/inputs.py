"""Reading filter patterns and records from the command line: inline JSON or files of several shapes.

A PATTERN argument is either inline JSON (it starts with ``{`` or ``[``) or a file holding a
pattern object, a JSON string of a pattern (as Terraform outputs it), a list of patterns, a
``{"Filters": [...]}`` FilterCriteria, the mapping settings (``{"FilterCriteria": ...}``), or
``terraform show -json`` output (each aws_lambda_event_source_mapping is its own set).
Anything unusable raises :class:`~pipeline.errors.InputError` naming the input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.errors import InputError

__all__ = ["is_filter_item", "load_patterns", "read_json_file", "records_in"]


def _is_inline_json(argument: str) -> bool:
    return argument.lstrip()[:1] in ("{", "[")


def read_json_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read: {err}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(
            f"{path}: not valid JSON: {err.msg} at line {err.lineno} column {err.colno}"
        ) from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply") from None


def _pattern_list(document: Any, label: str) -> list[Any] | Mapping[str, Any]:
    """Normalise a pattern document to a FilterCriteria dict or a list of patterns."""
    if isinstance(document, Mapping):
        if "Filters" in document:
            return document
        if "FilterCriteria" in document:  # the event source mapping settings (modules/esm-settings)
            criteria = document["FilterCriteria"]
            return criteria if isinstance(criteria, Mapping) else {"Filters": criteria}
        return [document]
    if isinstance(document, list):
        return [item["Pattern"] if is_filter_item(item) else item for item in document]
    if isinstance(document, str):
        return [document]
    raise InputError(
        f"{label}: expected a pattern object, a list of patterns or a FilterCriteria, "
        f"not {type(document).__name__}"
    )


def is_filter_item(item: Any) -> bool:
    return isinstance(item, Mapping) and set(item) == {"Pattern"}


def _plan_mappings(document: Mapping[str, Any], label: str) -> list[tuple[str, list[Any]]]:
    """Filters of every aws_lambda_event_source_mapping in ``terraform show -json`` (plan or state)."""
    found: list[tuple[str, list[Any]]] = []

    def visit(module: Any) -> None:
        if not isinstance(module, Mapping):
            return
        for resource in module.get("resources") or []:
            if isinstance(resource, Mapping) and resource.get("type") == "aws_lambda_event_source_mapping":
                values = resource.get("values") or {}
                patterns = [
                    item.get("pattern")
                    for criteria in values.get("filter_criteria") or []
                    for item in criteria.get("filter") or []
                ]
                found.append((f"{label}:{resource.get('address', '?')}", patterns))
        for child in module.get("child_modules") or []:
            visit(child)

    for top in ("planned_values", "values"):
        if isinstance(document.get(top), Mapping):
            visit(document[top].get("root_module"))
    if not found:
        raise InputError(f"{label}: the Terraform JSON has no aws_lambda_event_source_mapping resource")
    return found


def load_patterns(argument: str) -> list[tuple[str, list[Any] | Mapping[str, Any]]]:
    """(label, patterns) sets for one PATTERN_OR_FILE argument; inline JSON stays text when possible.

    Most inputs are one set; a Terraform plan or state yields one set per event source mapping.
    """
    if _is_inline_json(argument):
        try:
            document = json.loads(argument)
        except (json.JSONDecodeError, RecursionError):
            return [("<inline>", [argument])]  # an invalid pattern: lint reports it as a finding
        if isinstance(document, dict) and "Filters" not in document and "FilterCriteria" not in document:
            return [("<inline>", [argument])]  # keep the text as written: its length is what AWS checks
        return [("<inline>", _pattern_list(document, "<inline>"))]
    path = Path(argument)
    if not path.exists():
        raise InputError(
            f"{argument}: no such file (an inline pattern is JSON starting with '{{', "
            'e.g. \'{"eventName": ["INSERT"]}\')'
        )
    document = read_json_file(path)
    if isinstance(document, Mapping) and ("planned_values" in document or "format_version" in document):
        return list(_plan_mappings(document, str(path)))
    return [(str(path), _pattern_list(document, str(path)))]


def records_in(document: Any, label: str) -> list[dict[str, Any]]:
    if isinstance(document, Mapping) and isinstance(document.get("Records"), list):
        items: list[Any] = document["Records"]
    elif isinstance(document, list):
        items = document
    elif isinstance(document, Mapping):
        items = [document]
    else:
        raise InputError(f"{label}: expected a record, a list of records or an event with Records")
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise InputError(f"{label}: record {index} is {type(item).__name__}, not a JSON object")
    return [dict(item) for item in items]
