"""``filter lint`` and ``filter test``: check filter patterns before they silently drop records.

``add_filter_commands(subparsers)`` registers ``filter lint`` and ``filter test`` on the argparse
sub-parsers of ``python -m pipeline``; each command stores its handler as ``args.func`` and the
handler returns the exit code:

* ``filter lint PATTERN_OR_FILE...``: 0 clean (warnings allowed), 1 a finding of severity error,
  2 bad input (unreadable file, a file that is not JSON).
* ``filter test --pattern P... RECORD_FILE...`` (or ``--stream-arn``): prints PASS/FILTERED per
  record and the filters that matched; 0 on success, 2 on bad input or an invalid pattern.

A PATTERN argument is either inline JSON (it starts with ``{`` or ``[``) or a file holding a
pattern object, a JSON string of a pattern (as Terraform outputs it), a list of patterns, a
``{"Filters": [...]}`` FilterCriteria, the mapping settings (``{"FilterCriteria": ...}``), or
``terraform show -json`` output (each aws_lambda_event_source_mapping is linted on its own).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from pipeline.errors import StreamNotFoundError
from pipeline.filter_lint import DEFAULT_MAX_FILTERS, QUOTA_MAX_FILTERS, Finding, lint_filters
from pipeline.filter_rules import FilterCriteria, FilterPatternError
from pipeline.stream_reader import (  # the shard walk and record shape the poller uses
    Position,
    ShardReader,
    describe_stream,
    ready_shards,
    region_of,
    to_lambda_record,
)

__all__ = ["FilterInputError", "add_filter_commands", "filter_lint_command", "filter_test_command", "main"]

EXIT_OK: Final = 0
EXIT_FINDINGS: Final = 1
EXIT_BAD_INPUT: Final = 2
#: Open shards may answer an empty page although records follow; stop reading after this many.
MAX_EMPTY_PAGES: Final = 3


class FilterInputError(Exception):
    """Input the command cannot use; the message names the input and what is wrong with it."""


# --------------------------------------------------------------------------------------------------
# Reading inputs
# --------------------------------------------------------------------------------------------------


def _is_inline_json(argument: str) -> bool:
    return argument.lstrip()[:1] in ("{", "[")


def _read_json_file(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FilterInputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise FilterInputError(f"{path}: cannot read: {err}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise FilterInputError(
            f"{path}: not valid JSON: {err.msg} at line {err.lineno} column {err.colno}"
        ) from None
    except RecursionError:
        raise FilterInputError(f"{path}: JSON nested too deeply") from None


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
        return [item["Pattern"] if _is_filter_item(item) else item for item in document]
    if isinstance(document, str):
        return [document]
    raise FilterInputError(
        f"{label}: expected a pattern object, a list of patterns or a FilterCriteria, "
        f"not {type(document).__name__}"
    )


def _is_filter_item(item: Any) -> bool:
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
        raise FilterInputError(f"{label}: the Terraform JSON has no aws_lambda_event_source_mapping resource")
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
        raise FilterInputError(
            f"{argument}: no such file (an inline pattern is JSON starting with '{{', "
            'e.g. \'{"eventName": ["INSERT"]}\')'
        )
    document = _read_json_file(path)
    if isinstance(document, Mapping) and ("planned_values" in document or "format_version" in document):
        return list(_plan_mappings(document, str(path)))
    return [(str(path), _pattern_list(document, str(path)))]


def _records_in(document: Any, label: str) -> list[dict[str, Any]]:
    if isinstance(document, Mapping) and isinstance(document.get("Records"), list):
        items: list[Any] = document["Records"]
    elif isinstance(document, list):
        items = document
    elif isinstance(document, Mapping):
        items = [document]
    else:
        raise FilterInputError(f"{label}: expected a record, a list of records or an event with Records")
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise FilterInputError(f"{label}: record {index} is {type(item).__name__}, not a JSON object")
    return [dict(item) for item in items]


# --------------------------------------------------------------------------------------------------
# Live stream records (records converted exactly as the poller converts them)
# --------------------------------------------------------------------------------------------------


def read_stream(stream_arn: str, endpoint_url: str | None, region: str | None) -> Iterator[dict[str, Any]]:
    """Every record of every shard from TRIM_HORIZON, parents before children, in Lambda's shape.

    The shard walk is the poller's own (``describe_stream``, ``ready_shards``, ``ShardReader``), so
    ``filter test`` sees the records in the order and shape the mapping would.
    """
    # Imported here: linting and testing files must not pay for boto3. The shared client has short
    # timeouts, so an unreachable endpoint fails in seconds, not after minutes of retries.
    from pipeline.local_aws import client  # noqa: PLC0415

    region = region or region_of(stream_arn)
    streams = client("dynamodbstreams", endpoint_url, region)
    shards = describe_stream(streams, stream_arn).shards
    finished: set[str] = set()
    while ready := ready_shards(shards, finished, started=set()):
        for shard in ready:
            reader = ShardReader(streams, stream_arn, shard.shard_id, Position.trim_horizon())
            empty_pages = 0
            # An open shard never ends: stop after a few empty pages, as a drained stream gives.
            while not reader.ended and empty_pages < MAX_EMPTY_PAGES:
                records = reader.read().records
                empty_pages = 0 if records else empty_pages + 1
                for raw in records:
                    yield to_lambda_record(raw, stream_arn, region)
            finished.add(shard.shard_id)


def _stream_records(args: argparse.Namespace) -> list[tuple[str, dict[str, Any]]]:
    if not args.stream_arn.startswith("arn:") or args.stream_arn.count(":") < 5:
        raise FilterInputError(
            f"{args.stream_arn}: not a stream ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/...)"
        )
    botocore_exceptions = importlib.import_module("botocore.exceptions")
    try:
        return [
            (args.stream_arn, record)
            for record in read_stream(args.stream_arn, args.endpoint_url, args.region)
        ]
    except (botocore_exceptions.ClientError, StreamNotFoundError) as err:
        # describe_stream wraps the service's ResourceNotFoundException: report the service's words.
        cause = err.__cause__ if isinstance(err, StreamNotFoundError) else err
        if not isinstance(cause, botocore_exceptions.ClientError):
            raise FilterInputError(f"{args.stream_arn}: {err}") from None
        error = cause.response.get("Error", {})
        raise FilterInputError(
            f"{args.stream_arn}: {error.get('Code', 'error')}: {error.get('Message', cause)}"
        ) from None
    except botocore_exceptions.BotoCoreError as err:
        where = args.endpoint_url or "the default AWS endpoint"
        raise FilterInputError(f"cannot read stream {args.stream_arn} from {where}: {err}") from None


# --------------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------------


def _filter_count(patterns: list[Any] | Mapping[str, Any]) -> int:
    if isinstance(patterns, Mapping):
        filters = patterns.get("Filters")
        return len(filters) if isinstance(filters, list) else 0
    return len(patterns)


def filter_lint_command(args: argparse.Namespace) -> int:
    """Lint every PATTERN_OR_FILE; each argument is linted as one FilterCriteria."""
    out, err = sys.stdout, sys.stderr
    reports: list[tuple[str, list[Finding], int]] = []
    try:
        for argument in args.patterns:
            for label, patterns in load_patterns(argument):
                findings = lint_filters(patterns, max_filters=args.max_filters)
                reports.append((label, findings, _filter_count(patterns)))
    except FilterInputError as problem:
        print(f"error: {problem}", file=err)
        return EXIT_BAD_INPUT
    errors = sum(f.severity == "error" for _, findings, _ in reports for f in findings)
    warnings = sum(f.severity == "warning" for _, findings, _ in reports for f in findings)
    if args.json:
        payload = [
            {"source": label, "filters": count, "findings": [f.as_dict() for f in findings]}
            for label, findings, count in reports
        ]
        json.dump(payload, out, indent=2)
        out.write("\n")
    else:
        for label, findings, count in reports:
            if not findings:
                print(f"{label}: ok ({count} filter{'s' if count != 1 else ''})", file=out)
            for finding in findings:
                print(f"{label}: {finding.format()}", file=out)
        print(f"{errors} error(s), {warnings} warning(s)", file=out)
    return EXIT_FINDINGS if errors else EXIT_OK


def _criteria_from(arguments: Sequence[str]) -> FilterCriteria:
    patterns: list[Any] = []
    for argument in arguments:
        sets = load_patterns(argument)
        if len(sets) != 1:
            labels = ", ".join(label for label, _ in sets)
            raise FilterInputError(f"{argument}: holds {len(sets)} mappings ({labels}); test one at a time")
        ((label, loaded),) = sets
        if isinstance(loaded, Mapping):
            filters = loaded.get("Filters")
            if not isinstance(filters, list) or not all(_is_filter_item(f) for f in filters):
                raise FilterInputError(f'{label}: "Filters" must be a list of {{"Pattern": "..."}} objects')
            loaded = [item["Pattern"] for item in filters]
        try:
            FilterCriteria(loaded)
        except FilterPatternError as problem:
            raise FilterInputError(f"{label}: {problem}") from None
        patterns.extend(loaded)
    return FilterCriteria(patterns)


def _keys_text(record: Mapping[str, Any]) -> str:
    """``id=42,sk=a`` from dynamodb.Keys, unwrapping the type keys for readability."""
    ddb = record.get("dynamodb")
    keys = ddb.get("Keys") if isinstance(ddb, Mapping) else None
    if not isinstance(keys, Mapping):
        return "-"
    parts = []
    for name, typed in keys.items():
        value = next(iter(typed.values()), typed) if isinstance(typed, Mapping) and len(typed) == 1 else typed
        parts.append(f"{name}={value if isinstance(value, str) else json.dumps(value)}")
    return ",".join(parts) or "-"


def filter_test_command(args: argparse.Namespace) -> int:
    """Show which records the filters let through (PASS) and which Lambda would drop (FILTERED)."""
    out, err = sys.stdout, sys.stderr
    try:
        criteria = _criteria_from(args.pattern or [])
        if not args.records and not args.stream_arn:
            raise FilterInputError("give RECORD_FILE arguments or --stream-arn")
        labelled: list[tuple[str, dict[str, Any]]] = []
        for name in args.records:
            path = Path(name)
            labelled.extend((str(path), record) for record in _records_in(_read_json_file(path), str(path)))
        if args.stream_arn:
            labelled.extend(_stream_records(args))
    except FilterInputError as problem:
        print(f"error: {problem}", file=err)
        return EXIT_BAD_INPUT
    results = []
    for source, record in labelled:
        matched = criteria.matching_filters(record) if len(criteria) else []
        passed = bool(matched) or not len(criteria)
        results.append((source, record, passed, matched))
    if args.json:
        payload = [
            {
                "source": source,
                "eventID": record.get("eventID"),
                "eventName": record.get("eventName"),
                "keys": _keys_text(record),
                "result": "PASS" if passed else "FILTERED",
                "matchedFilters": matched,
            }
            for source, record, passed, matched in results
        ]
        json.dump(payload, out, indent=2)
        out.write("\n")
    else:
        for source, record, passed, matched in results:
            verdict = "PASS    " if passed else "FILTERED"
            why = ""
            if passed:
                why = "  (no filters)" if not len(criteria) else f"  filter {','.join(map(str, matched))}"
            print(
                f"{verdict}  {record.get('eventName', '-')!s:<7} {record.get('eventID', '-')}  "
                f"keys {_keys_text(record)}  [{source}]{why}",
                file=out,
            )
    passed_count = sum(passed for _, _, passed, _ in results)
    if not args.json:
        print(
            f"{len(results)} record(s): {passed_count} pass, {len(results) - passed_count} filtered out "
            f"({len(criteria)} filter(s))",
            file=out,
        )
    return EXIT_OK


# --------------------------------------------------------------------------------------------------
# argparse wiring
# --------------------------------------------------------------------------------------------------


def _max_filters(text: str) -> int:
    value = int(text)
    if not 1 <= value <= QUOTA_MAX_FILTERS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {QUOTA_MAX_FILTERS}")
    return value


def add_filter_commands(subparsers: Any) -> None:
    """Register ``filter lint`` and ``filter test``; the handler is ``args.func(args) -> exit code``."""
    filter_parser = subparsers.add_parser(
        "filter",
        help="lint filter patterns, or test which records they let through",
        description="Lambda event filtering for DynamoDB stream records.",
    )
    commands = filter_parser.add_subparsers(dest="filter_command", metavar="{lint,test}", required=True)

    lint = commands.add_parser(
        "lint",
        help="flag patterns that never match DynamoDB records",
        description="Flag filter patterns that are invalid, or valid but never (or always) match "
        "DynamoDB stream records. Exit 0: clean, 1: errors found, 2: bad input.",
    )
    lint.add_argument(
        "patterns",
        nargs="+",
        metavar="PATTERN_OR_FILE",
        help='inline JSON pattern, or a file with a pattern, a list, {"Filters": [...]} or mapping settings',
    )
    lint.add_argument(
        "--max-filters",
        type=_max_filters,
        default=DEFAULT_MAX_FILTERS,
        help=f"filters allowed per mapping (default {DEFAULT_MAX_FILTERS}; "
        f"{QUOTA_MAX_FILTERS} with a quota increase)",
    )
    lint.add_argument("--json", action="store_true", help="print findings as JSON")
    lint.set_defaults(func=filter_lint_command)

    test = commands.add_parser(
        "test",
        help="show which records a pattern lets through",
        description="Match records against filter patterns as Lambda would: a record passes if any "
        "filter matches. Exit 0: done, 2: bad input or an invalid pattern.",
    )
    test.add_argument(
        "--pattern",
        action="append",
        metavar="PATTERN_OR_FILE",
        help="a filter (repeat for several, ORed); files may hold lists or a FilterCriteria",
    )
    test.add_argument(
        "records",
        nargs="*",
        metavar="RECORD_FILE",
        help='JSON file with a record, a list of records, or an event {"Records": [...]}',
    )
    test.add_argument("--stream-arn", help="also read every record of this stream (TRIM_HORIZON, all shards)")
    test.add_argument("--endpoint-url", help="DynamoDB Streams endpoint, e.g. a moto server")
    test.add_argument("--region", help="AWS region (default: the region in the stream ARN)")
    test.add_argument("--json", action="store_true", help="print results as JSON")
    test.set_defaults(func=filter_test_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``filter ...`` with only the filter commands wired (what ``python -m pipeline`` does)."""
    parser = argparse.ArgumentParser(prog="python -m pipeline")
    add_filter_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    exit_code: int = args.func(args)
    return exit_code
