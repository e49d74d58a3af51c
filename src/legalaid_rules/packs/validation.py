"""Read a YAML file into a pydantic model, every problem located: the one reader of pack files
and pack-test files, and the one translator of pydantic's errors into plain-language problems."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from legalaid_rules.errors import Location, Problem, did_you_mean
from legalaid_rules.i18n import N_, _
from legalaid_rules.packs import schema
from legalaid_rules.packs.yaml_source import Marks, YamlDocument, read_yaml

__all__ = ["ModelRead", "problems_from_validation", "read_model"]


def _known_keys() -> list[str]:
    keys: set[str] = set()
    for obj in vars(schema).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            for name, f in obj.model_fields.items():
                keys.add(f.alias or name)
    return sorted(keys)


_KEYS = _known_keys()

_PLAIN = {
    "missing": N_("missing key `{key}`"),
    "extra_forbidden": N_("unknown key `{key}`"),
    "literal_error": N_("`{input}` is not allowed here: {msg}"),
    "string_pattern_mismatch": N_("`{input}` is not a valid name here{names}"),
}


def problems_from_validation(
    exc: ValidationError,
    marks: Marks,
    *,
    prefix: str = "schema",
    keys_at: Callable[[tuple[Any, ...]], Iterable[str]] | None = None,
    names: str = "",
) -> list[Problem]:
    """One problem per pydantic error, located through the YAML marks.

    Args:
        exc: pydantic's error.
        marks: where each YAML node stands.
        prefix: the problem codes' prefix (``schema.extra_forbidden``).
        keys_at: the keys allowed where an unknown key stands (its path), for did-you-mean;
            default: every key of the pack format.
        names: what a valid name looks like, said after "not a valid name here".
    """
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc: tuple[Any, ...] = tuple(err["loc"])
        etype = err["type"]
        is_key = bool(loc) and loc[-1] == "[key]"
        path = tuple(p for p in loc if p != "[key]")
        # pydantic adds the union member or a tag to the loc; keep only real YAML path parts
        path = tuple(
            p
            for p in path
            if not ((isinstance(p, str) and p[:1].isupper()) or (isinstance(p, str) and "[" in p))
        )
        key = str(path[-1]) if path else ""
        hint = None
        if etype == "extra_forbidden":
            location = marks.at(path, key=True)
            hint = did_you_mean(key, list(keys_at(path)) if keys_at else _KEYS)
        elif etype == "missing":
            location = marks.at(path[:-1])
        else:
            location = marks.at(path, key=is_key)
        template = _PLAIN.get(etype)
        if template:
            message = _(template).format(key=key, input=err.get("input"), msg=err["msg"].lower(), names=names)
        else:
            where = f"`{key}`: " if key and not isinstance(path[-1], int) else ""
            message = f"{where}{err['msg'][0].lower()}{err['msg'][1:]}"
        out.append(Problem(f"{prefix}.{etype}", message, location, hint))
    return _dedupe(out)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: dict[str, Problem] = {}
    for p in problems:
        seen.setdefault(str(p), p)
    return list(seen.values())


M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class ModelRead(Generic[M]):
    """What :func:`read_model` found: the document (None if not YAML), the model (None if it does
    not validate) and every problem, YAML and schema alike."""

    document: YamlDocument | None
    model: M | None
    problems: list[Problem] = field(default_factory=list)
    error: ValidationError | None = None  # pydantic's own error, for callers that salvage


def read_model(
    path: Path,
    display: str,
    model: type[M],
    *,
    prefix: str = "schema",
    keys_at: Callable[[tuple[Any, ...]], Iterable[str]] | None = None,
    names: str = "",
) -> ModelRead[M]:
    """Read ``path`` safely as YAML and validate it as ``model``; problems located as ``display``.

    Args:
        path: the file.
        display: the file as messages name it.
        model: the pydantic model of the whole file.
        prefix, keys_at, names: as for :func:`problems_from_validation`.
    """
    try:
        raw = path.read_bytes()  # the YAML reader decodes it, with a hint for GBK, UTF-16 or NUL bytes
    except OSError as exc:
        code = f"{'pack' if prefix == 'schema' else prefix}.unreadable"
        return ModelRead(
            None,
            None,
            [Problem(code, _("cannot read the file: {reason}").format(reason=exc), Location(display))],
        )
    doc, problems = read_yaml(raw, display)
    if doc is None:
        return ModelRead(None, None, problems)
    try:
        return ModelRead(doc, model.model_validate(doc.data), problems)
    except ValidationError as exc:
        found = problems_from_validation(exc, doc.marks, prefix=prefix, keys_at=keys_at, names=names)
        return ModelRead(doc, None, problems + found, exc)
