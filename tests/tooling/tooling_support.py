"""Helpers shared by the Terraform tooling tests (a unique module name: no __init__.py here)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

RunTerraform = Callable[..., subprocess.CompletedProcess[str]]

REQUIRED_PROVIDERS = """\
terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}
"""


def write_config(directory: Path, body: str) -> Path:
    """A root module with the aws provider requirement plus ``body``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.tf").write_text(REQUIRED_PROVIDERS + body, encoding="utf-8")
    return directory
