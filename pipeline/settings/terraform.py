"""Render a provider-free settings module with Terraform, through python-terraform.

``modules/esm-settings`` and ``modules/handler-settings`` hold the only copy of the mapping's and
the function's defaults and validations. :func:`render_module` applies one of them with the
user's tfvars in a temporary copy (so the module directory stays clean) and returns its outputs.
Rendering takes about a second, so results are cached under ``build/pipeline-settings/``, keyed
by a hash of the module files, the tfvars file and the extra variables.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from devtools.terraform import IsFlagged, Terraform
from pipeline.errors import SettingsError

PROJECT_ROOT: Final = Path(__file__).resolve().parents[2]
#: Where an installed distribution ships the two modules (pyproject.toml maps ``modules/`` here).
PACKAGED_MODULES: Final = Path(__file__).resolve().parent / "terraform_modules"
DEFAULT_CACHE_DIR: Final = PROJECT_ROOT / "build" / "pipeline-settings"
CACHE_FORMAT: Final = "2"


def module_dir(name: str) -> Path:
    """A settings module: this checkout's ``modules/<name>``, else the copy an installed package ships."""
    checkout = PROJECT_ROOT / "modules" / name
    return checkout if checkout.is_dir() else PACKAGED_MODULES / name


def _module_files(module: Path) -> Iterator[Path]:
    return iter(sorted(path for path in module.glob("*.tf") if path.is_file()))


def _cache_key(module: Path, var_file: Path | None, variables: Mapping[str, str]) -> str:
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    for path in _module_files(module):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    if var_file is not None:
        digest.update(b"var-file\0" + var_file.read_bytes())
    digest.update(json.dumps(dict(variables), sort_keys=True).encode())
    return digest.hexdigest()[:32]


def _check(result: tuple[int, str, str], what: str) -> str:
    code, out, err = result
    if code != 0:
        diagnostics = (err.strip() or out.strip()) or "(no output)"
        raise SettingsError(f"Terraform failed to {what}:\n{diagnostics}")
    return out


def render_module(
    module: Path,
    var_file: Path | None = None,
    variables: Mapping[str, str] | None = None,
    *,
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
) -> dict[str, Any]:
    """``terraform apply`` a provider-free module in a temp copy; returns all outputs' values.

    ``variables`` are applied after ``var_file`` (so they win) - the local pipeline uses them for
    values only known at run time, such as the local topic ARN.
    """
    variables = dict(variables or {})
    if not module.is_dir():
        raise SettingsError(f"Terraform module not found: {module}")
    if var_file is not None:
        var_file = var_file.resolve()
        if not var_file.is_file():
            raise SettingsError(f"tfvars file not found: {var_file}")
    key = _cache_key(module, var_file, variables)
    cached = cache_dir / f"{module.name}-{key}.json" if cache_dir is not None else None
    if cached is not None and cached.is_file():
        outputs: dict[str, Any] = json.loads(cached.read_text())
        return outputs
    with tempfile.TemporaryDirectory(prefix=f"pipeline-{module.name}-") as scratch:
        work = Path(scratch)
        for path in _module_files(module):
            shutil.copy2(path, work / path.name)
        var_files = [str(var_file)] if var_file is not None else []
        if variables:
            # A JSON tfvars file of our own, given last so its values win over the user's file.
            overrides = work / "overrides.tfvars.json"
            overrides.write_text(json.dumps(variables))
            var_files.append(str(overrides))
        state = str(work / "tfstate")
        terraform = Terraform(work, state=state)
        what = f"apply {module.name} with {var_file or 'the defaults'}"
        _check(terraform.run("init", backend=False, input=False), f"initialise {module.name}")
        _check(
            terraform.run(
                "apply",
                auto_approve=IsFlagged,
                input=False,
                compact_warnings=IsFlagged,
                state=state,
                var_file=var_files,
            ),
            what,
        )
        raw = json.loads(_check(terraform.run("output", json=IsFlagged, state=state), "read outputs"))
    outputs = {name: entry["value"] for name, entry in raw.items()}
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".tmp")
        partial.write_text(json.dumps(outputs, indent=2, sort_keys=True))
        partial.replace(cached)
    return outputs
