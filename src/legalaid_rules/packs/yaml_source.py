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
from legalaid_rules.i18n import N_, _, language
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
                    _(
                        "the alias `*{anchor}` is inside its own anchor `&{anchor}`: it would never end"
                    ).format(anchor=anchor),
                    _at(file, mark),
                    _plain_data_write_out(),
                )
    if total <= MAX_EXPANDED:
        return None
    node, mark, anchor = max(aliases, key=lambda a: sizes.get(id(a[0]), 0))
    return Problem(
        "yaml.alias_bomb",
        _(
            "the aliases in this file expand to more than {limit} values (`*{anchor}` alone to {size}): "
            "an alias bomb?"
        ).format(limit=f"{MAX_EXPANDED:,}", anchor=anchor, size=f"{sizes.get(id(node), 0):,}"),
        _at(file, mark),
        _plain_data_write_out(),
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
        return None, [Problem("yaml.empty", _("the file is empty"), Location(file, 1, 1))]
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
                    _("the file nests mappings and lists more than {depth} levels deep").format(
                        depth=MAX_DEPTH
                    ),
                    _at(file, exc.mark),
                    _("a rule pack nests a few levels: check the indentation"),
                )
            ],
        )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        return (
            None,
            [],
            [
                Problem(
                    "yaml.syntax",
                    _syntax_message(str(exc.problem or exc.context or "")),
                    loc,
                    _("check indentation, and put text with `:` or `#` in quotes"),
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
                    _("the character {char} is not allowed in YAML").format(char=f"U+{code:04X}"),
                    where,
                    _("delete it (it may have come from copying text out of another program)"),
                )
            ],
        )
    except yaml.YAMLError as exc:
        return None, [], [Problem("yaml.syntax", _syntax_message(str(exc)), Location(file))]
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
                _tag_not_allowed().format(tag=node.tag),
                marks.at(path),
                _plain_data(),
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
                        _("merge keys (`<<`) are not supported"),
                        loc,
                        _("write the values out in full"),
                    )
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(
                    Problem(
                        "yaml.key",
                        _("a key must be plain text"),
                        loc,
                        _("write the key as a name, not a list or mapping"),
                    )
                )
                continue
            key = str(key_node.value)
            if not key.isascii() and not _encodable(key):
                problems.append(Problem("yaml.character", _("the key holds a lone surrogate"), loc))
                continue
            if key in out:
                first = marks.key_positions[(*path, key)]
                problems.append(
                    Problem(
                        "yaml.duplicate_key",
                        _("duplicate key `{key}` (first defined at line {line})").format(
                            key=key, line=first[0]
                        ),
                        loc,
                        _("remove one of them; a later key would silently replace the earlier one"),
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
                _("the text holds a lone surrogate (an escape such as `\\ud800`), which is not a character"),
                loc,
                _("write the character itself, or its pair of surrogates"),
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
        if text.lower() not in ("true", "false"):
            # YAML 1.1 reads yes/no/on/off as true/false, YAML 1.2 (editors) as text: refuse both
            problems.append(
                Problem(
                    "yaml.bool",
                    _("`{text}` means true/false to some YAML readers and text to others").format(text=text),
                    loc,
                    _("write `true` or `false`, or put text in quotes"),
                )
            )
            return None
        return text.lower() == "true"
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
            problems.append(
                Problem("yaml.number", _("`{text}` is not a finite number").format(text=text), loc)
            )
            return None
        return value
    if tag == _TIMESTAMP:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            problems.append(
                Problem(
                    "yaml.date",
                    _("`{text}` is not a calendar date").format(text=text),
                    loc,
                    _("write YYYY-MM-DD"),
                )
            )
            return None
    problems.append(Problem("yaml.tag", _tag_not_allowed().format(tag=tag), loc, _plain_data()))
    return None


def _tag_not_allowed() -> str:
    return _("the tag `{tag}` is not allowed")


def _plain_data() -> str:
    return _("rule packs hold plain data only")


def _plain_data_write_out() -> str:
    return _("rule packs hold plain data only: write the values out")


_SYNTAX: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^mapping values are not allowed here$"), N_("a `:` is not allowed here")),
    (re.compile(r"^mapping keys are not allowed here$"), N_("a key is not allowed here")),
    (re.compile(r"^could not find expected ':'$"), N_("a `:` is missing after a key")),
    (re.compile(r"^sequence entries are not allowed here$"), N_("a list entry (`-`) is not allowed here")),
    (
        re.compile(r"^found character '\\t' that cannot start any token$"),
        N_("a tab cannot be used to indent: use spaces"),
    ),
    (
        re.compile(r"^found character (?P<found>.+) that cannot start any token$"),
        N_("the character {found} cannot start a value (put the text in quotes)"),
    ),
    (re.compile(r"^found unexpected end of stream$"), N_("the file ends inside quoted text")),
    (re.compile(r"^found undefined alias (?P<found>.+)$"), N_("the alias {found} is not defined")),
    (
        re.compile(r"^found unknown escape character (?P<found>.+)$"),
        N_("unknown escape {found} in quoted text"),
    ),
    (
        re.compile(r"^expected ',' or '(?P<close>[\]}])', but got (?P<found>.+)$"),
        N_("a `,` or `{close}` is missing before {found}"),
    ),
    (
        re.compile(r"^expected <block end>, but found (?P<found>.+)$"),
        N_("the indentation does not line up: {found} is not expected here"),
    ),
    (
        re.compile(r"^expected the node content, but found (?P<found>.+)$"),
        N_("a value is missing before {found}"),
    ),
    (
        re.compile(r"^expected a comment or a line break, but found (?P<found>.+)$"),
        N_("only a comment or a new line may follow here, not {found}"),
    ),
    (
        re.compile(r"^(but found another document|expected a single document in the stream)$"),
        N_("the file holds more than one document (`---`)"),
    ),
    (
        re.compile(r"^found duplicate anchor (?P<found>.+?); first occurrence$"),
        N_("the anchor {found} is defined twice"),
    ),
)


def _syntax_message(detail: str) -> str:
    """PyYAML's description of a syntax error, in the reader's language.

    English readers get PyYAML's own words (as before the catalogues); the table gives every
    other language a plain description of the common errors, and the rest PyYAML's words quoted.
    """
    if language() == "en":
        return _("this is not valid YAML: {detail}").format(detail=detail)
    for pattern, template in _SYNTAX:
        m = pattern.match(detail)
        if m:
            found = {k: "`" + _token(v) + "`" for k, v in m.groupdict().items() if k == "found"}
            close = {k: v for k, v in m.groupdict().items() if k == "close"}
            return _("this is not valid YAML: {detail}").format(detail=_(template).format(**found, **close))
    return _("this is not valid YAML (the reader says `{detail}`)").format(detail=detail)


def _token(found: str) -> str:
    """A token PyYAML names (``'\\t'``, ``'<stream end>'``) as the text to show in backticks."""
    text = found[1:-1] if len(found) >= 2 and found[0] == found[-1] == "'" else found
    return {"<stream end>": _("end of file")}.get(text, text.replace("`", "'"))
