"""Rule packs: safe YAML reading, the file schema, resolution and the registry of packs."""

from legalaid_rules.packs.model import Group, Matter, Parameter, ParameterValue, ResolvedPack, Rule
from legalaid_rules.packs.registry import PackVersion, Registry, bundled_root, load_pack

__all__ = [
    "Group",
    "Matter",
    "PackVersion",
    "Parameter",
    "ParameterValue",
    "Registry",
    "ResolvedPack",
    "Rule",
    "bundled_root",
    "load_pack",
]
