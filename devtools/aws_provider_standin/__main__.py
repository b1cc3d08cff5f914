"""Entry point: ``python -m devtools.aws_provider_standin`` is what the provider shim execs."""

from __future__ import annotations

import os
import sys

from devtools.aws_provider_standin.server import serve

if __name__ == "__main__":
    status = serve()
    sys.stdout.flush()
    sys.stderr.flush()
    # grpc's worker threads can delay a normal interpreter exit; nothing is left to clean up.
    os._exit(status)
