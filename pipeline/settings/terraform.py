"""Render a provider-free settings module with Terraform, through python-terraform.

``modules/esm-settings`` and ``modules/handler-settings`` hold the only copy of the mapping's and
the function's defaults and validations. :func:`render_module` applies one of them with the
user's tfvars in a temporary copy (so the module directory stays clean) and returns its outputs.
Rendering takes about a second, so results are cached under ``build/pipeline-settings/``, keyed
by a hash of the module files, the tfvars file and the extra variables.

Terraform only warns about a tfvars key no variable declares, so a misspelt ``batch_sise = 10``
would run with the default batch size. The modules share one tfvars file, so each render also
declares the other module's variables (unused) and a key Terraform still calls undeclared is a
:class:`~pipeline.errors.SettingsError`, with Terraform's words and the nearest real name.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from devtools.terraform import IsFlagged, Terraform
from pipeline.errors import SettingsError

PROJECT_ROOT: Final = Path(__file__).resolve().parents[2]
#: Where an installed distribution ships the two modules (pyproject.toml maps ``modules/`` here).
PACKAGED_MODULES: Final = Path(__file__).resolve().parent / "terraform_modules"
DEFAULT_CACHE_DIR: Final = PROJECT_ROOT / "build" / "pipeline-settings"
CACHE_FORMAT: Final = "3"
_VARIABLE: Final = re.compile(r'^variable\s+"([^"]+)"', re.MULTILINE)
_UNDECLARED: Final = re.compile(r'does not declare a variable named "([^"]+)"')
_MORE_UNDECLARED: Final = re.compile(r"(\d+) other variable\(s\) defined without being declared")


def module_dir(name: str) -> Path:
    """A settings module: this checkout's ``modules/<name>``, else the copy an installed package ships."""
    checkout = PROJECT_ROOT / "modules" / name
    return checkout if checkout.is_dir() else PACKAGED_MODULES / name


def _module_files(module: Path) -> Iterator[Path]:
    return iter(sorted(path for path in module.glob("*.tf") if path.is_file()))


def declared_variables(module: Path) -> frozenset[str]:
    """The names of the module's ``variable`` blocks."""
    return frozenset(name for path in _module_files(module) for name in _VARIABLE.findall(path.read_text()))


def _cache_key(
    module: Path, var_file: Path | None, variables: Mapping[str, str], also_declared: frozenset[str]
) -> str:
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    digest.update(json.dumps(sorted(also_declared)).encode() + b"\0")
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


def _undeclared(output: str, var_file: Path, known: Iterable[str]) -> None:
    """Raise SettingsError if Terraform warned about tfvars keys no variable declares."""
    text = " ".join(line.lstrip("│ ").strip() for line in output.splitlines())
    names = list(dict.fromkeys(_UNDECLARED.findall(text)))
    more = sum(int(count) for count in _MORE_UNDECLARED.findall(text))
    if not names and not more:
        return
    listed = ", ".join(f'"{name}"' for name in names) + (f" and {more} more" if more else "")
    guesses = [
        f'"{match[0]}" for "{name}"'
        for name in names
        if (match := difflib.get_close_matches(name, known, n=1))
    ]
    raise SettingsError(
        f"{var_file}: {listed}: no variable of modules/esm-settings or modules/handler-settings has "
        f"{'this name' if len(names) + more == 1 else 'these names'}"
        f"{' (did you mean ' + ', '.join(guesses) + '?)' if guesses else ''}; Terraform only warns about "
        "undeclared variables, the local pipeline refuses them so a typo never runs with the default"
    )


def render_module(
    module: Path,
    var_file: Path | None = None,
    variables: Mapping[str, str] | None = None,
    *,
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
    also_declared: Iterable[str] = (),
) -> dict[str, Any]:
    """``terraform apply`` a provider-free module in a temp copy; returns all outputs' values.

    ``variables`` are applied after ``var_file`` (so they win) - the local pipeline uses them for
    values only known at run time, such as the local topic ARN. ``also_declared`` are variables
    of the modules that share the tfvars file: accepted here, ignored by this module.
    """
    variables = dict(variables or {})
    extra = frozenset(also_declared) - declared_variables(module)
    if not module.is_dir():
        raise SettingsError(f"Terraform module not found: {module}")
    if var_file is not None:
        var_file = var_file.resolve()
        if not var_file.is_file():
            raise SettingsError(f"tfvars file not found: {var_file}")
    key = _cache_key(module, var_file, variables, extra)
    cached = cache_dir / f"{module.name}-{key}.json" if cache_dir is not None else None
    if cached is not None and cached.is_file():
        try:
            outputs = json.loads(cached.read_text())
        except (OSError, ValueError):
            outputs = None  # a damaged cache entry is only a cache miss: render again, rewrite it
        if isinstance(outputs, dict):
            return outputs
    with tempfile.TemporaryDirectory(prefix=f"pipeline-{module.name}-") as scratch:
        work = Path(scratch)
        for path in _module_files(module):
            shutil.copy2(path, work / path.name)
        if extra:
            (work / "zz_shared_tfvars.tf").write_text(
                "".join(f'variable "{name}" {{\n  default = null\n}}\n' for name in sorted(extra))
            )
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
        applied = terraform.run("apply", auto_approve=IsFlagged, input=False, state=state, var_file=var_files)
        _check(applied, what)
        if var_file is not None:
            _undeclared(applied[1] + "\n" + applied[2], var_file, extra | declared_variables(module))
        raw = json.loads(_check(terraform.run("output", json=IsFlagged, state=state), "read outputs"))
    outputs = {name: entry["value"] for name, entry in raw.items()}
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".tmp")
        partial.write_text(json.dumps(outputs, indent=2, sort_keys=True))
        partial.replace(cached)
    return outputs
