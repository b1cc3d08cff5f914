"""``filter lint`` and ``filter test``: check filter patterns before they silently drop records.

* ``filter lint PATTERN_OR_FILE...``: exit 0 clean (warnings allowed), 1 a finding of severity
  error, 2 bad input (unreadable file, a file that is not JSON).
* ``filter test --pattern P... RECORD_FILE...`` (or ``--stream-arn``): prints PASS/FILTERED per
  record and the filters that matched; 0 on success, 2 on bad input or an invalid pattern.

Inputs are read by :mod:`pipeline.filters.inputs`; a live stream is read through the poller's own
reader (:func:`pipeline.stream.reader.read_stream`), so records come in the mapping's order and shape.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline.cli.arguments import endpoint_url
from pipeline.errors import EXIT_ATTENTION, EXIT_OK, InputError, StreamNotFoundError
from pipeline.filters.inputs import is_filter_item, load_patterns, read_json_file, records_in
from pipeline.filters.lint import DEFAULT_MAX_FILTERS, QUOTA_MAX_FILTERS, Finding, lint_filters
from pipeline.filters.rules import FilterCriteria, FilterPatternError

__all__ = ["filter_lint_command", "filter_test_command", "register"]


def _stream_records(args: argparse.Namespace) -> list[tuple[str, dict[str, Any]]]:
    # Imported here: linting and testing files must not pay for boto3.
    from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

    from pipeline.aws.arn import parse_stream_arn  # noqa: PLC0415
    from pipeline.aws.clients import client  # noqa: PLC0415
    from pipeline.stream.reader import read_stream  # noqa: PLC0415

    try:
        region = args.region or parse_stream_arn(args.stream_arn).region
    except ValueError:
        raise InputError(
            f"{args.stream_arn}: not a stream ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/...)"
        ) from None
    streams = client("dynamodbstreams", args.endpoint_url, region)
    try:
        return [(args.stream_arn, record) for record in read_stream(streams, args.stream_arn, region)]
    except (ClientError, StreamNotFoundError) as err:
        # describe_stream wraps the service's ResourceNotFoundException: report the service's words.
        cause = err.__cause__ if isinstance(err, StreamNotFoundError) else err
        if not isinstance(cause, ClientError):
            raise InputError(f"{args.stream_arn}: {err}") from None
        error = cause.response.get("Error", {})
        raise InputError(
            f"{args.stream_arn}: {error.get('Code', 'error')}: {error.get('Message', cause)}"
        ) from None
    except BotoCoreError as err:
        where = args.endpoint_url or "the default AWS endpoint"
        raise InputError(f"cannot read stream {args.stream_arn} from {where}: {err}") from None


def _filter_count(patterns: list[Any] | Mapping[str, Any]) -> int:
    if isinstance(patterns, Mapping):
        filters = patterns.get("Filters")
        return len(filters) if isinstance(filters, list) else 0
    return len(patterns)


def filter_lint_command(args: argparse.Namespace) -> int:
    """Lint every PATTERN_OR_FILE; each argument is linted as one FilterCriteria."""
    out = sys.stdout
    reports: list[tuple[str, list[Finding], int]] = []
    for argument in args.patterns:
        for label, patterns in load_patterns(argument):
            findings = lint_filters(patterns, max_filters=args.max_filters)
            reports.append((label, findings, _filter_count(patterns)))
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
    return EXIT_ATTENTION if errors else EXIT_OK


def _criteria_from(arguments: Sequence[str]) -> FilterCriteria:
    patterns: list[Any] = []
    for argument in arguments:
        sets = load_patterns(argument)
        if len(sets) != 1:
            labels = ", ".join(label for label, _ in sets)
            raise InputError(f"{argument}: holds {len(sets)} mappings ({labels}); test one at a time")
        ((label, loaded),) = sets
        if isinstance(loaded, Mapping):
            filters = loaded.get("Filters")
            if not isinstance(filters, list) or not all(is_filter_item(f) for f in filters):
                raise InputError(f'{label}: "Filters" must be a list of {{"Pattern": "..."}} objects')
            loaded = [item["Pattern"] for item in filters]
        try:
            FilterCriteria(loaded)
        except FilterPatternError as problem:
            raise InputError(f"{label}: {problem}") from None
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
    out = sys.stdout
    criteria = _criteria_from(args.pattern or [])
    if not args.records and not args.stream_arn:
        raise InputError("give RECORD_FILE arguments or --stream-arn")
    labelled: list[tuple[str, dict[str, Any]]] = []
    for name in args.records:
        path = Path(name)
        labelled.extend((str(path), record) for record in records_in(read_json_file(path), str(path)))
    if args.stream_arn:
        labelled.extend(_stream_records(args))
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


def register(subparsers: Any) -> None:
    """Add ``filter lint`` and ``filter test``."""
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
    lint.set_defaults(command_main=filter_lint_command)

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
    test.add_argument(
        "--endpoint-url", type=endpoint_url, help="DynamoDB Streams endpoint, e.g. a moto server"
    )
    test.add_argument("--region", help="AWS region (default: the region in the stream ARN)")
    test.add_argument("--json", action="store_true", help="print results as JSON")
    test.set_defaults(command_main=filter_test_command)
