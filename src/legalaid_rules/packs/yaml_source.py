"""Safe YAML reading that remembers where every value came from.

PyYAML's safe composer builds the node tree; we turn nodes into plain data ourselves, so that

- every mapping key and value keeps its line and column (``Marks``), for located messages;
- a duplicate key is an error at the second occurrence (PyYAML silently keeps the last);
- numbers with a fraction become ``Decimal`` from their source text, never ``float``;
- only plain data exists: no Python tags, no merge keys, nothing ever executed;
- hostile files cannot hang or crash the reader: aliases may expand to at most
  :data:`MAX_EXPANDED` values (a "billion laughs" alias bomb is refused before anything is
  expanded), an alias inside its own anchor is refused, nesting deeper than :data:`MAX_DEPTH`
  is refused while composing (never a ``RecursionError``), and bytes that are not UTF-8 (GBK,
  UTF-16, NUL) are named with their line and the hint to save the file as UTF-8.

libyaml (PyYAML's C extension) scans and parses when it is installed, which makes a pack load
about three times faster; composition stays in Python (the depth bound and alias marks above).
Text the two readers treat differently, and every text libyaml does not read cleanly, is read
by the pure-Python reader, whose results and messages are the reference.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from legalaid_rules.errors import Location, Problem
from legalaid_rules.source_text import decode_text

__all__ = ["MAX_DEPTH", "MAX_EXPANDED", "Marks", "YamlDocument", "read_yaml"]

MAX_DEPTH = 64
"""The deepest nesting of mappings and lists in one file (a rule pack nests about eight)."""

MAX_EXPANDED = 200_000
"""The most values a file may hold once its aliases are expanded (a large pack holds ~20,000)."""

PathKey = tuple[str | int, ...]

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


@dataclass(frozen=True, slots=True)
class Marks:
    """Source positions of a document's values, by path (keys and list indexes)."""

    file: str
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    styles: dict[PathKey, str | None] = field(default_factory=dict)

    def at(self, path: PathKey, *, key: bool = False) -> Location:
        """The location of the value at ``path`` (or of its key), or of its nearest parent."""
        table = self.key_positions if key else self.positions
        probe = tuple(path)
        while probe:
            if probe in table:
                line, col = table[probe]
                return Location(self.file, line, col, _dotted(path))
            if not key and probe in self.positions:
                line, col = self.positions[probe]
                return Location(self.file, line, col, _dotted(path))
            probe = probe[:-1]
        line, col = self.positions.get((), (1, 1))
        return Location(self.file, line, col, _dotted(path))


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """Plain data read from one YAML file, with its marks."""

    data: Any
    marks: Marks


def _dotted(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__("too deep")
        self.mark = mark


class _Bounded:
    """Composition bounded in depth, remembering where each alias was used.

    PyYAML shares the anchored node, so the alias's own position would otherwise be lost. Mixed
    into a parser that provides ``check_event``/``peek_event`` and PyYAML's Python ``Composer``.
    """

    depth: int
    aliases: list[tuple[yaml.Node, yaml.Mark, str]]

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        composer: Any = self
        if composer.check_event(yaml.AliasEvent):
            event: Any = composer.peek_event()
            node: yaml.Node | None = super().compose_node(parent, index)  # type: ignore[misc]
            if node is not None:
                self.aliases.append((node, event.start_mark, str(event.anchor)))
            return node
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep(composer.peek_event().start_mark)
        try:
            result: yaml.Node | None = super().compose_node(parent, index)  # type: ignore[misc]
            return result
        finally:
            self.depth -= 1


class _Composer(_Bounded, yaml.SafeLoader):
    """The pure-Python reader (used when libyaml is absent, and for every error message)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0
        self.aliases = []


_CParser: Any
try:  # libyaml's scanner and parser, when PyYAML was built with it
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was installed
    _CParser = None

if _CParser is not None:

    class _FastComposer(_Bounded, _CParser, yaml.composer.Composer, yaml.resolver.Resolver):  # type: ignore[misc]
        """libyaml scans and parses; composition (depth bound, alias marks) stays ours."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self.depth = 0
            self.aliases = []

        def compose_scalar_node(self, anchor: Any) -> yaml.ScalarNode:
            node: yaml.ScalarNode = yaml.composer.Composer.compose_scalar_node(self, anchor)
            if node.style == "":  # libyaml names the plain style "", PyYAML None
                node.style = None
            return node


_DIFFERENT = re.compile(
    yaml.reader.Reader.NON_PRINTABLE.pattern + r"|[\t\ufeff]|^[ ]*[^#\s][^\n]*[!?]|:[ ]*[,}\]]|[|>][-+0-9]*#",
    re.MULTILINE,
)
"""Text the two readers treat differently, found by reading mutated packs both ways: what
PyYAML refuses, tabs (libyaml accepts them inside plain text), byte-order marks inside the
text, `!` and `?` outside comment lines (libyaml reads `!a,` in a flow mapping as one tag and
accepts `?` inside plain text in a flow collection), an empty value in a flow collection
(`a: ,`: its mark differs) and a block scalar header touching a comment (`>#`). A file holding
one is read in Python: slower, never different (tests/test_yaml_libyaml.py)."""


def _fast_node(text: str) -> tuple[yaml.Node | None, list[tuple[yaml.Node, yaml.Mark, str]]] | None:
    """The node tree read with libyaml's scanner and parser, composed by the same Python code.

    Scanning is most of reading a pack in pure Python; libyaml does it in C and reports the
    same lines and columns. None when libyaml is absent or the text is not plainly valid
    (a refused character, a syntax error, nesting too deep): the caller then reads it with
    the pure-Python reader, whose checks and messages are the ones users see.
    """
    if _CParser is None or _DIFFERENT.search(text):
        return None
    loader: Any = None
    try:
        loader = _FastComposer(text)
        node = yaml.composer.Composer.get_single_node(loader)
    except Exception:  # any trouble: the pure-Python reader says what it is
        return None
    finally:
        if loader is not None:
            loader.dispose()
    return node, loader.aliases


def _at(file: str, mark: yaml.Mark) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


def _expansion_problem(
    root: yaml.Node, aliases: list[tuple[yaml.Node, yaml.Mark, str]], file: str
) -> Problem | None:
    """A problem if an alias refers to a node that contains it, or aliases expand too far.

    Sizes are counted once per distinct node (the composed graph shares aliased nodes), so this
    takes time in proportion to the file, not to its expansion.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    cyclic: list[yaml.Node] = []

    def size(node: yaml.Node) -> int:  # recursion is bounded by MAX_DEPTH
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            cyclic.append(node)
            return 0
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        open_nodes.discard(key)
        sizes[key] = total  # exact even for a bomb: at most one addition per edge of the graph
        return total

    total = size(root)
    if cyclic:
        target = cyclic[0]
        for node, mark, anchor in aliases:
            if node is target:
                return Problem(
                    "yaml.recursive_alias",
                    f"the alias `*{anchor}` is inside its own anchor `&{anchor}`: it would never end",
                    _at(file, mark),
                    "rule packs hold plain data only: write the values out",
                )
    if total <= MAX_EXPANDED:
        return None
    node, mark, anchor = max(aliases, key=lambda a: sizes.get(id(a[0]), 0))
    return Problem(
        "yaml.alias_bomb",
        f"the aliases in this file expand to more than {MAX_EXPANDED:,} values "
        f"(`*{anchor}` alone to {sizes.get(id(node), 0):,}): an alias bomb?",
        _at(file, mark),
        "rule packs hold plain data only: write the values out",
    )


def read_yaml(source: str | bytes, file: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Read one YAML document safely (text, or bytes that must be UTF-8).

    Returns the document (None if it could not be read at all) and the problems found.
    """
    marks = Marks(file)
    if isinstance(source, bytes):
        text, problem = decode_text(source, file, "yaml")
        if text is None:
            return None, [problem] if problem else []
    else:
        text = source
    fast = _fast_node(text)
    if fast is not None:
        node, aliases = fast
    else:
        node, aliases, refused = _slow_node(text, file)
        if refused:
            return None, refused
    if node is None:
        return None, [Problem("yaml.empty", "the file is empty", Location(file, 1, 1))]
    if aliases:
        bomb = _expansion_problem(node, aliases, file)
        if bomb is not None:
            return None, [bomb]
    problems: list[Problem] = []
    data = _convert(node, (), marks, problems)
    return YamlDocument(data, marks), problems


def _slow_node(
    text: str, file: str
) -> tuple[yaml.Node | None, list[tuple[yaml.Node, yaml.Mark, str]], list[Problem]]:
    """The node tree read by PyYAML's pure-Python reader, or the problem that stopped it."""
    loader: _Composer | None = None
    try:
        loader = _Composer(text)  # checks the characters first
        node = loader.get_single_node()
    except _TooDeep as exc:
        return (
            None,
            [],
            [
                Problem(
                    "yaml.too_deep",
                    f"the file nests mappings and lists more than {MAX_DEPTH} levels deep",
                    _at(file, exc.mark),
                    "a rule pack nests a few levels: check the indentation",
                )
            ],
        )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        message = f"this is not valid YAML: {exc.problem or exc.context}"
        return (
            None,
            [],
            [
                Problem(
                    "yaml.syntax",
                    message,
                    loc,
                    "check indentation, and put text with `:` or `#` in quotes",
                )
            ],
        )
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (control characters)
        before = text[: exc.position]
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        where = Location(file, before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1)
        return (
            None,
            [],
            [
                Problem(
                    "yaml.character",
                    f"the character U+{code:04X} is not allowed in YAML",
                    where,
                    "delete it (it may have come from copying text out of another program)",
                )
            ],
        )
    except yaml.YAMLError as exc:
        return None, [], [Problem("yaml.syntax", f"this is not valid YAML: {exc}", Location(file))]
    finally:
        if loader is not None:
            loader.dispose()
    return node, loader.aliases, []


def _convert(node: yaml.Node, path: PathKey, marks: Marks, problems: list[Problem]) -> Any:
    marks.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if not isinstance(node, yaml.ScalarNode) and node.tag not in (_MAP, _SEQ):
        problems.append(
            Problem(
                "yaml.tag",
                f"the tag `{node.tag}` is not allowed",
                marks.at(path),
                "rule packs hold plain data only",
            )
        )
        return None
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            loc = Location(marks.file, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(
                    Problem(
                        "yaml.merge",
                        "merge keys (`<<`) are not supported",
                        loc,
                        "write the values out in full",
                    )
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem("yaml.key", "a key must be plain text", loc))
                continue
            key = str(key_node.value)
            if not key.isascii() and not _encodable(key):
                problems.append(Problem("yaml.character", "the key holds a lone surrogate", loc))
                continue
            if key in out:
                first = marks.key_positions[(*path, key)]
                problems.append(
                    Problem(
                        "yaml.duplicate_key",
                        f"duplicate key `{key}` (first defined at line {first[0]})",
                        loc,
                        "remove one of them; a later key would silently replace the earlier one",
                    )
                )
                continue
            marks.key_positions[(*path, key)] = (loc.line or 1, loc.column or 1)
            out[key] = _convert(value_node, (*path, key), marks, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), marks, problems) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    marks.styles[path] = node.style
    return _scalar(node, marks.at(path), problems)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _scalar(node: yaml.ScalarNode, loc: Location, problems: list[Problem]) -> Any:
    tag, text = node.tag, node.value
    if not text.isascii() and not _encodable(text):
        problems.append(
            Problem(
                "yaml.character",
                "the text holds a lone surrogate (an escape such as `\\ud800`), which is not a character",
                loc,
                "write the character itself, or its pair of surrogates",
            )
        )
        return None
    if tag in (_STR, "!") or (
        node.style is not None
        and not tag.startswith("tag:yaml.org,2002:python")
        and tag in (_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP)
    ):
        return text
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return text.lower() in ("true", "yes", "on", "y")
    if tag == _INT:
        try:
            return int(text.replace("_", ""), 0)
        except ValueError:
            return text
    if tag == _FLOAT:
        try:
            value = Decimal(text.replace("_", ""))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            problems.append(Problem("yaml.number", f"`{text}` is not a finite number", loc))
            return None
        return value
    if tag == _TIMESTAMP:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            problems.append(Problem("yaml.date", f"`{text}` is not a calendar date", loc, "write YYYY-MM-DD"))
            return None
    problems.append(
        Problem("yaml.tag", f"the tag `{tag}` is not allowed", loc, "rule packs hold plain data only")
    )
    return None
