"""Generate the root module's copies of its submodules' variables, and check them.

The root module stays flat: one tfvars file feeds ``terraform apply`` of the root and of the
provider-free ``modules/esm-settings`` and ``modules/handler-settings`` (the local pipeline), so
the root declares the settings variables itself; it also passes many of ``modules/stream-table``'s
and ``modules/lambda-function``'s variables on unchanged. None of those declarations is kept by
hand: each ``variable`` block is copied verbatim from the submodule's ``variables.tf`` into a
generated root file. A settings module is copied whole except the few listed in :data:`SOURCES`
whose root variable means more; of the other submodules only the listed variables are copied
(the rest are the root's own, in ``variables.tf`` and ``variables_function.tf``).

``python -m devtools.tf_variables write`` rewrites the generated files; ``check`` exits 1, naming
each stale or missing file, when ``write`` would change anything. Both also report a settings
variable that the root's call of its module does not set (it would silently keep its default).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import hcl2
from lark import Token, Tree
from lark.exceptions import LarkError

ROOT = Path(__file__).resolve().parents[1]
COMMAND = "python -m devtools.tf_variables write"
_NAME = re.compile(r"[a-z_][a-z0-9_]*")


@dataclass(frozen=True)
class Source:
    """One settings module and the root file generated from its ``variables.tf``."""

    module: str  # relative to the root, e.g. modules/esm-settings
    target: str  # the generated root file
    call: str  # label of the root's module block that receives the variables
    #: Variables not copied, each with the reason (shown in the generated file's header).
    skip: Mapping[str, str] = field(default_factory=dict)
    #: When given, only these variables are copied (in the module's order), and ``skip`` is empty.
    include: tuple[str, ...] = ()
    #: The generated file's opening comment: what these variables are, for a reader of the root.
    about: str = ""

    def copies(self, name: str) -> bool:
        return name in self.include if self.include else name not in self.skip


SOURCES: tuple[Source, ...] = (
    Source(
        module="modules/esm-settings",
        target="variables_esm_settings.tf",
        call="esm_settings",
        skip={
            "stream_view_type": "in variables.tf; at the root it also sets the created table's view type",
        },
    ),
    Source(
        module="modules/handler-settings",
        target="variables_handler_settings.tf",
        call="handler_settings",
        skip={
            "event_names": "generated from modules/esm-settings; the root's one event_names feeds both",
            "notification_topic_arn": "in variables.tf; at the root it names an existing topic",
            "idempotency_table_name": "in variables.tf; at the root it names the table to create",
        },
    ),
    Source(
        module="modules/stream-table",
        target="variables_stream_table.tf",
        call="stream_table",
        about="The table the module creates (create_table = true).",
        include=(
            "hash_key",
            "hash_key_type",
            "range_key",
            "range_key_type",
            "billing_mode",
            "read_capacity",
            "write_capacity",
            "point_in_time_recovery_enabled",
            "ttl_attribute_name",
            "deletion_protection_enabled",
            "table_class",
        ),
    ),
    Source(
        module="modules/lambda-function",
        target="variables_lambda_function.tf",
        call="lambda_function",
        about="The function: runtime, versions and the alias the mapping invokes, logging, layers, VPC.",
        include=(
            "runtime",
            "architecture",
            "reserved_concurrent_executions",
            "tracing_mode",
            "code_signing_config_arn",
            "log_retention_in_days",
            "log_kms_key_id",
            "create_log_group",
            "log_group_name",
            "logging_config_enabled",
            "log_format",
            "application_log_level",
            "system_log_level",
            "alias_name",
            "alias_function_version",
            "provisioned_concurrent_executions",
            "snap_start",
            "layers",
            "powertools_layer_version",
            "vpc_subnet_ids",
            "vpc_security_group_ids",
            "ephemeral_storage_size",
        ),
    ),
)


class VariablesError(Exception):
    """A settings module the generator cannot read; the message says which and why."""


@dataclass(frozen=True)
class Block:
    """One ``variable`` block: its name and its source text, verbatim."""

    name: str
    text: str


def _label(node: Tree[Token] | Token) -> str:
    if isinstance(node, Token):
        return str(node)
    return "".join(str(t) for t in node.scan_values(lambda v: isinstance(v, Token))).strip('"')


def _parse(path: Path) -> tuple[str, Tree[Token]]:
    source = path.read_text(encoding="utf-8")
    try:
        return source, hcl2.parses_to_tree(source)
    except (LarkError, ValueError) as error:
        raise VariablesError(f"{path}: cannot parse: {error}") from error


def _top_blocks(tree: Tree[Token], kind: str) -> Iterator[tuple[str, Tree[Token]]]:
    """(first label, block) of each top-level block of one kind."""
    for body in tree.children:
        if not isinstance(body, Tree):
            continue
        for block in body.children:
            if isinstance(block, Tree) and block.data == "block" and _label(block.children[0]) == kind:
                yield _label(block.children[1]), block


def variable_blocks(path: Path) -> list[Block]:
    """The ``variable`` blocks of one .tf file, in file order."""
    source, tree = _parse(path)
    blocks: list[Block] = []
    for name, block in _top_blocks(tree, "variable"):
        if not _NAME.fullmatch(name):
            raise VariablesError(f"{path}: unexpected variable name {name!r}")
        blocks.append(Block(name, source[block.meta.start_pos : block.meta.end_pos]))
    return blocks


def module_arguments(root: Path, label: str) -> tuple[Path, set[str]] | None:
    """The file holding the root's ``module "<label>"`` block and the arguments it sets; None when
    there is no such block."""
    for path in sorted(root.glob("*.tf")):
        _, tree = _parse(path)
        for name, block in _top_blocks(tree, "module"):
            if name != label:
                continue
            body = next(child for child in block.children if isinstance(child, Tree) and child.data == "body")
            return path, {
                _label(child.children[0])
                for child in body.children
                if isinstance(child, Tree) and child.data == "attribute"
            }
    return None


def wiring_problems(root: Path = ROOT, sources: Sequence[Source] = SOURCES) -> list[str]:
    """A settings variable the root's module call does not set would silently keep its default."""
    problems: list[str] = []
    for source in sources:
        found = module_arguments(root, source.call)
        if found is None:
            problems.append(f'{root}: no module "{source.call}" block calling {source.module}')
            continue
        path, arguments = found
        names = [
            block.name
            for block in variable_blocks(root / source.module / "variables.tf")
            if source.copies(block.name)
        ]
        missing = [name for name in names if name not in arguments]
        if missing:
            problems.append(f"{path}: module.{source.call} does not set {', '.join(missing)}")
    return problems


def _header(source: Source) -> list[str]:
    lines = [
        f"# Generated from {source.module}/variables.tf by `{COMMAND}`.",
        "# Do not edit: change the variable there and rerun the command.",
    ]
    if source.include:
        lines += [
            f"# {source.about}",
            f"# The root passes these to module.{source.call} unchanged; its own variables",
            "# are in variables.tf and variables_function.tf.",
        ]
    else:
        lines += [
            "# The root declares these itself so that one flat tfvars file feeds the root",
            f"# and {source.module}; main.tf passes them to module.{source.call}.",
        ]
    if source.skip:
        lines.append("# Not copied (declared by hand or generated elsewhere):")
        lines += [f"#   {name}: {reason}." for name, reason in source.skip.items()]
    return lines


def render(source: Source, blocks: Sequence[Block]) -> str:
    """The generated file's text: the header, then every block not skipped, in source order."""
    kept = [block.text for block in blocks if source.copies(block.name)]
    return "\n".join(_header(source)) + "\n\n" + "\n\n".join(kept) + "\n"


def generate(root: Path = ROOT, sources: Sequence[Source] = SOURCES) -> dict[Path, str]:
    """Generated root file -> its wanted text."""
    wanted: dict[Path, str] = {}
    owner: dict[str, str] = {}
    for source in sources:
        path = root / source.module / "variables.tf"
        blocks = variable_blocks(path)
        declared = {block.name for block in blocks}
        unknown = sorted(set(source.skip) - declared)
        if unknown:
            # A skip entry for a variable that is gone could later skip a new one by accident.
            raise VariablesError(
                f"{path}: declares no {', '.join(unknown)}, listed as skipped in devtools/tf_variables.py"
            )
        missing = [name for name in source.include if name not in declared]
        if missing:
            raise VariablesError(
                f"{path}: declares no {', '.join(missing)}, listed as copied in devtools/tf_variables.py"
            )
        for block in blocks:
            if not source.copies(block.name):
                continue
            if block.name in owner:
                raise VariablesError(
                    f"variable {block.name} would be generated from both {owner[block.name]} and "
                    f"{source.module}; skip it in one of them (devtools/tf_variables.py SOURCES)"
                )
            owner[block.name] = source.module
        wanted[root / source.target] = render(source, blocks)
    return wanted


def _stale(root: Path, sources: Sequence[Source]) -> list[tuple[Path, str]]:
    stale: list[tuple[Path, str]] = []
    for path, text in generate(root, sources).items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append((path, text))
    return stale


def write(root: Path = ROOT, sources: Sequence[Source] = SOURCES) -> list[Path]:
    """Rewrite the stale generated files; return them."""
    stale = _stale(root, sources)
    for path, text in stale:
        path.write_text(text, encoding="utf-8")
    return [path for path, _ in stale]


def check(root: Path = ROOT, sources: Sequence[Source] = SOURCES) -> list[str]:
    """One problem per stale or missing file (or unreadable module, or unset module argument)."""
    try:
        stale = _stale(root, sources)
        wiring = wiring_problems(root, sources)
    except VariablesError as error:
        return [str(error)]
    return [f"{path}: {'stale' if path.exists() else 'missing'}; run {COMMAND}" for path, _ in stale] + wiring


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.tf_variables", description="root copies of the submodules' variables"
    )
    parser.add_argument("command", choices=("write", "check"))
    parser.add_argument("--root", type=Path, default=ROOT, help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    root: Path = args.root
    try:
        if args.command == "write":
            for path in write(root):
                print(f"updated {path.relative_to(root) if path.is_relative_to(root) else path}")
        # After a write, what is left is what a person must fix (e.g. wiring in main.tf).
        problems = check(root)
    except VariablesError as error:
        problems = [str(error)]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
