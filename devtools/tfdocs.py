"""Generate the README reference tables from the .tf files (``make docs``) and check them.

The tables are terraform-docs' markdown table sections, in its order: Requirements (Terraform
and each provider with its version constraint), Providers (those the module's own resources and
data sources use), Modules (name, source, version), Resources (each linked to its Registry page,
managed resources before data sources), Inputs and Outputs.

``python -m devtools.tfdocs write`` fills the section between ``<!-- BEGIN_TF_DOCS -->`` and
``<!-- END_TF_DOCS -->`` in the root ``README.md`` and in every ``modules/*/README.md``;
``check`` exits 1, naming each stale file, when ``write`` would change anything. Only existing
markers are filled: a README without them (or a missing README) is reported, because where
the tables go in a page is the author's choice.

The .tf files are read with python-hcl2's parser; types and defaults are shown as written
in the source (comments dropped, whitespace collapsed onto one line), which reads better
than a re-serialisation.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import hcl2
from lark import Token, Tree
from lark.exceptions import LarkError

ROOT = Path(__file__).resolve().parents[1]
BEGIN_MARKER = "<!-- BEGIN_TF_DOCS -->"
END_MARKER = "<!-- END_TF_DOCS -->"
COMMENT_TOKENS = frozenset({"NL_OR_COMMENT"})


@dataclass(frozen=True)
class Variable:
    """One ``variable`` block as the tables show it."""

    name: str
    description: str
    type: str
    default: str | None  # source text; None when the variable has no default (required)

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class Output:
    """One ``output`` block as the tables show it."""

    name: str
    description: str


@dataclass(frozen=True)
class Requirement:
    """Terraform or a provider, with its version constraint (None: unconstrained)."""

    name: str
    version: str | None


@dataclass(frozen=True)
class ModuleCall:
    """One ``module`` block."""

    name: str
    source: str
    version: str | None


@dataclass(frozen=True)
class Resource:
    """One ``resource`` (mode "resource") or ``data`` (mode "data source") block."""

    type: str
    name: str
    mode: str
    url: str


@dataclass(frozen=True)
class Configuration:
    """What the module requires, calls and manages: the tables above Inputs."""

    requirements: tuple[Requirement, ...] = ()
    providers: tuple[Requirement, ...] = ()
    modules: tuple[ModuleCall, ...] = ()
    resources: tuple[Resource, ...] = ()


class DocsError(Exception):
    """A module or README the generator cannot handle; the message says which and why."""


def _source_text(source: str, node: Tree[Token] | Token) -> str:
    """The node's source, comments removed and whitespace collapsed to single spaces."""
    if isinstance(node, Token):
        return _one_line(source[node.start_pos or 0 : node.end_pos or 0])
    start, end = node.meta.start_pos, node.meta.end_pos
    pieces = list(source[start:end])
    for token in node.scan_values(lambda value: isinstance(value, Token) and value.type in COMMENT_TOKENS):
        # Blank the comment in place (keeping line breaks) so positions stay valid.
        for index in range((token.start_pos or 0) - start, (token.end_pos or 0) - start):
            if pieces[index] != "\n":
                pieces[index] = " "
    return _one_line("".join(pieces))


_OPENERS = "{[(,"
_CLOSERS = "}])"


def _one_line(text: str) -> str:
    """Collapse whitespace; a line break between two items becomes ``", "`` so that
    ``{ a = string <newline> b = number }`` stays readable as ``{ a = string, b = number }``."""
    text = text.strip()

    def join(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() > 0 else ""
        after = text[match.end()] if match.end() < len(text) else ""
        if "\n" in match.group(0) and before not in _OPENERS and after not in _CLOSERS + ",":
            return ", "
        return " "

    return re.sub(r"\s+", join, text)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _string_value(source: str, node: Tree[Token] | Token) -> str:
    """Evaluate a description: quoted string or heredoc; anything else stays as written."""
    start = node.start_pos if isinstance(node, Token) else node.meta.start_pos
    end = node.end_pos if isinstance(node, Token) else node.meta.end_pos
    raw = source[start or 0 : end or 0].strip()
    heredoc = re.fullmatch(r"<<(-?)([A-Za-z_]\w*)\n(.*?)\n?[ \t]*\2", raw, flags=re.S)
    if heredoc:
        body = heredoc.group(3)
        return textwrap.dedent(body) if heredoc.group(1) else body
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), raw[1:-1])
        text = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text)
        return text.replace("$${", "${").replace("%%{", "%{")
    return raw


def _label(node: Tree[Token] | Token) -> str:
    if isinstance(node, Token):
        return str(node)
    values = [str(token) for token in node.scan_values(lambda value: isinstance(value, Token))]
    return "".join(values).strip('"')


def _blocks(tree: Tree[Token]) -> Iterator[tuple[str, list[str], Tree[Token]]]:
    """Top-level blocks of one file: (block type, labels, body)."""
    for body in tree.children:
        if not isinstance(body, Tree):
            continue
        for block in body.children:
            if not (isinstance(block, Tree) and block.data == "block"):
                continue
            parts = [
                child
                for child in block.children
                if not (isinstance(child, Token) and child.type in ("LBRACE", "RBRACE"))
            ]
            inner = next((child for child in parts if isinstance(child, Tree) and child.data == "body"), None)
            if inner is None:
                continue
            kind = _label(parts[0])
            labels = [_label(child) for child in parts[1:] if child is not inner]
            yield kind, labels, inner


def _attributes(body: Tree[Token]) -> dict[str, Tree[Token] | Token]:
    """Name -> value node of a block body's own attributes (nested blocks are skipped)."""
    found: dict[str, Tree[Token] | Token] = {}
    for child in body.children:
        if isinstance(child, Tree) and child.data == "attribute":
            found[_label(child.children[0])] = child.children[-1]
    return found


def read_module(directory: Path) -> tuple[list[Variable], list[Output]]:
    """All variables and outputs declared in a module directory, sorted by name."""
    variables: list[Variable] = []
    outputs: list[Output] = []
    for path in sorted(directory.glob("*.tf")):
        source = path.read_text(encoding="utf-8")
        try:
            tree = hcl2.parses_to_tree(source)
        except (LarkError, ValueError) as error:
            raise DocsError(f"{path}: cannot parse: {error}") from error
        for kind, labels, body in _blocks(tree):
            if kind not in ("variable", "output") or not labels:
                continue
            attributes = _attributes(body)
            description = attributes.get("description")
            text = _string_value(source, description) if description is not None else ""
            if kind == "output":
                outputs.append(Output(labels[0], text))
                continue
            type_node = attributes.get("type")
            default_node = attributes.get("default")
            variables.append(
                Variable(
                    name=labels[0],
                    description=text,
                    type=_source_text(source, type_node) if type_node is not None else "any",
                    default=_source_text(source, default_node) if default_node is not None else None,
                )
            )
    return sorted(variables, key=lambda v: v.name), sorted(outputs, key=lambda o: o.name)


def _unquote(value: object) -> str:
    """A string as python-hcl2's ``loads`` returns it (``"\\"x\\""``), without its quotes."""
    text = str(value)
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


def _labelled(items: object) -> Iterator[tuple[str, dict[str, object]]]:
    """(label, body) of each block in a ``loads`` list such as ``[{"\\"name\\"": {...}}]``."""
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            for label, body in item.items():
                if not label.startswith("__") and isinstance(body, dict):
                    yield _unquote(label), body


def read_configuration(directory: Path) -> Configuration:
    """The requirements, providers in use, module calls and resources of a module directory."""
    required_version: str | None = None
    required: dict[str, dict[str, str | None]] = {}
    modules: list[ModuleCall] = []
    blocks: list[tuple[str, str, str]] = []  # (mode, type, name)
    for path in sorted(directory.glob("*.tf")):
        try:
            document = hcl2.loads(path.read_text(encoding="utf-8"))
        except (LarkError, ValueError) as error:
            raise DocsError(f"{path}: cannot parse: {error}") from error
        for terraform in document.get("terraform", []):
            if "required_version" in terraform:
                required_version = _unquote(terraform["required_version"])
            for providers in terraform.get("required_providers", []):
                for name, spec in providers.items():
                    if name.startswith("__"):
                        continue
                    settings = spec if isinstance(spec, dict) else {"version": spec}
                    version = settings.get("version")
                    source = settings.get("source")
                    required[name] = {
                        "version": _unquote(version) if version is not None else None,
                        "source": _unquote(source) if source is not None else None,
                    }
        for name, body in _labelled(document.get("module")):
            version = body.get("version")
            modules.append(
                ModuleCall(name, _unquote(body.get("source", "")), _unquote(version) if version else None)
            )
        for mode, key in (("resource", "resource"), ("data source", "data")):
            for type_name, named in _labelled(document.get(key)):
                blocks.extend((mode, type_name, name) for name, _ in _labelled([named]))

    def url(mode: str, type_name: str) -> str:
        provider = type_name.split("_", 1)[0]
        source = (required.get(provider) or {}).get("source") or f"hashicorp/{provider}"
        kind = "resources" if mode == "resource" else "data-sources"
        page = type_name.split("_", 1)[-1]
        return f"https://registry.terraform.io/providers/{source}/latest/docs/{kind}/{page}"

    resources = [Resource(t, n, mode, url(mode, t)) for mode, t, n in blocks]
    resources.sort(key=lambda r: (r.mode != "resource", r.type, r.name))
    used = sorted({r.type.split("_", 1)[0] for r in resources})
    requirements = ([Requirement("terraform", required_version)] if required_version else []) + [
        Requirement(name, required[name]["version"]) for name in sorted(required)
    ]
    return Configuration(
        requirements=tuple(requirements),
        providers=tuple(Requirement(name, (required.get(name) or {}).get("version")) for name in used),
        modules=tuple(sorted(modules, key=lambda m: m.name)),
        resources=tuple(resources),
    )


def _cell(text: str) -> str:
    """Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _code(text: str) -> str:
    # A backtick inside the value needs a longer fence.
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{_cell(text)}{pad}{fence}"


def _configuration_lines(configuration: Configuration) -> list[str]:
    def versions(title: str, rows: Sequence[Requirement], empty: str) -> list[str]:
        lines = [f"## {title}", ""]
        if not rows:
            return [*lines, empty, ""]
        lines += ["| Name | Version |", "| --- | --- |"]
        lines += [f"| {_code(r.name)} | {_code(r.version) if r.version else 'n/a'} |" for r in rows]
        return [*lines, ""]

    lines = versions("Requirements", configuration.requirements, "No requirements.")
    lines += versions("Providers", configuration.providers, "No providers.")
    lines += ["## Modules", ""]
    if configuration.modules:
        lines += ["| Name | Source | Version |", "| --- | --- | --- |"]
        lines += [
            f"| {_code(m.name)} | {_code(m.source)} | {_code(m.version) if m.version else 'n/a'} |"
            for m in configuration.modules
        ]
    else:
        lines.append("No modules.")
    lines += ["", "## Resources", ""]
    if configuration.resources:
        lines += ["| Name | Type |", "| --- | --- |"]
        lines += [f"| [{r.type}.{r.name}]({r.url}) | {r.mode} |" for r in configuration.resources]
    else:
        lines.append("No resources.")
    return [*lines, ""]


def render(
    variables: Sequence[Variable], outputs: Sequence[Output], configuration: Configuration | None = None
) -> str:
    """The generated Markdown (without the markers); the tables above Inputs when a configuration is given."""
    lines = [*_configuration_lines(configuration)] if configuration is not None else []
    lines += ["## Inputs", ""]
    if variables:
        lines += ["| Name | Description | Type | Default | Required |", "| --- | --- | --- | --- | :---: |"]
        for variable in variables:
            default = "n/a" if variable.default is None else _code(variable.default)
            lines.append(
                f"| {_code(variable.name)} | {_cell(variable.description)} | {_code(variable.type)} | "
                f"{default} | {'yes' if variable.required else 'no'} |"
            )
    else:
        lines.append("No inputs.")
    lines += ["", "## Outputs", ""]
    if outputs:
        lines += ["| Name | Description |", "| --- | --- |"]
        lines += [f"| {_code(output.name)} | {_cell(output.description)} |" for output in outputs]
    else:
        lines.append("No outputs.")
    return "\n".join(lines)


def update_readme(text: str, generated: str, readme: Path) -> str:
    """Replace what lies between the markers with ``generated``."""
    begin = text.find(BEGIN_MARKER)
    end = text.find(END_MARKER)
    if begin < 0 or end < 0 or end < begin:
        raise DocsError(
            f"{readme}: no {BEGIN_MARKER} ... {END_MARKER} section; add the markers where the tables go"
        )
    return f"{text[: begin + len(BEGIN_MARKER)]}\n{generated}\n{text[end:]}"


def documented_modules(root: Path = ROOT) -> list[Path]:
    """The root module and every ``modules/*`` directory with .tf files."""
    candidates = [root, *sorted((root / "modules").glob("*/"))]
    return [directory for directory in candidates if directory.is_dir() and any(directory.glob("*.tf"))]


def _regenerated(directory: Path) -> tuple[Path, str, str]:
    readme = directory / "README.md"
    if not readme.exists():
        raise DocsError(f"{readme}: missing; create it with a {BEGIN_MARKER} ... {END_MARKER} section")
    current = readme.read_text(encoding="utf-8")
    generated = render(*read_module(directory), read_configuration(directory))
    return readme, current, update_readme(current, generated, readme)


def _stale(directories: Iterable[Path]) -> tuple[list[tuple[Path, str]], list[str]]:
    """(README, regenerated text) of each stale README, and the problems that stopped one being generated."""
    stale: list[tuple[Path, str]] = []
    problems: list[str] = []
    for directory in directories:
        try:
            readme, current, wanted = _regenerated(directory)
        except DocsError as error:
            problems.append(str(error))
            continue
        if wanted != current:
            stale.append((readme, wanted))
    return stale, problems


def write(directories: Iterable[Path]) -> list[str]:
    """Rewrite stale tables; return the problems that stopped a README from being written."""
    stale, problems = _stale(directories)
    for readme, wanted in stale:
        readme.write_text(wanted, encoding="utf-8")
        print(f"updated {readme.relative_to(ROOT) if readme.is_relative_to(ROOT) else readme}")
    return problems


def check(directories: Iterable[Path]) -> list[str]:
    """Problems, one per README that is stale or cannot be generated; empty when all are fresh."""
    stale, problems = _stale(directories)
    return problems + [f"{readme}: reference tables are stale; run make docs" for readme, _ in stale]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.tfdocs", description="README reference tables")
    parser.add_argument("command", choices=("write", "check"))
    parser.add_argument(
        "directories", nargs="*", type=Path, help="module directories (default: the root and modules/*)"
    )
    args = parser.parse_args(argv)
    directories = args.directories or documented_modules()
    problems = write(directories) if args.command == "write" else check(directories)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
