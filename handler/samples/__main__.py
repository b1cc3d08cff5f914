"""Run the handler on sample events: ``python -m handler.samples [event.json ...]``.

The handler is built exactly as in Lambda (``handler.entrypoint``, configured from the
environment); its structured logs and EMF metrics go to stdout as they would to CloudWatch, and
the partial batch response (or the error raised when no record succeeded) follows each sample.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from handler.samples import sample_paths


def main(argv: list[str] | None = None) -> int:
    """Run each event file through the handler; exit 1 if an event cannot be read."""
    parser = argparse.ArgumentParser(prog="python -m handler.samples", description=__doc__)
    parser.add_argument(
        "events", nargs="*", type=Path, help="event JSON files (default: the bundled samples)"
    )
    args = parser.parse_args(argv)

    # Imported after argument parsing so --help works even with a bad configuration.
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError  # noqa: PLC0415

    from handler.entrypoint import lambda_handler  # noqa: PLC0415
    from handler.lambda_context import LocalLambdaContext  # noqa: PLC0415

    for path in args.events or sample_paths():
        try:
            event = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            print(f"cannot read {path}: {error}", file=sys.stderr)
            return 1
        print(f"===== {path.name}: {len(event.get('Records', []))} records", flush=True)
        try:
            response = lambda_handler(event, LocalLambdaContext.from_environ())
        except BatchProcessingError as error:
            # No record succeeded: Lambda would count a function error and retry the whole batch.
            print(f"----- {path.name}: function error (whole batch retried): {error.msg}", flush=True)
            continue
        print(f"----- {path.name}: response {json.dumps(response)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
