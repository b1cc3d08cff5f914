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


# Made-up credentials (AWS's documentation example keys) and skip flags: the stand-in never
# calls AWS, but a configuration meant for the real provider needs them to plan offline.
OFFLINE_PROVIDER = """
provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}
"""


def plan_json(terraform: RunTerraform, directory: Path, *, init: bool = True) -> Path:
    """``init`` (optional), ``plan -out`` and ``show -json``; returns the JSON file's path."""
    if init:
        initialised = terraform(["init", "-backend=false", "-input=false"], directory)
        assert initialised.returncode == 0, initialised.stdout + initialised.stderr
    planned = terraform(["plan", "-input=false", "-out=standin.tfplan"], directory)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    shown = terraform(["show", "-json", "standin.tfplan"], directory)
    assert shown.returncode == 0, shown.stderr
    target = directory / "plan.json"
    target.write_text(shown.stdout, encoding="utf-8")
    return target
