"""Text files people saved: UTF-8 only, and a located hint when a file is anything else.

Rule packs and application files are edited by hand on office machines, where Windows editors
often save GBK (GB 2312/GB 18030) or UTF-16. Reading such a file as UTF-8 fails with a bare
``UnicodeDecodeError``; :func:`decode_text` says instead which line is affected, what the file
looks like (GBK, UTF-16, a NUL byte) and how to fix it: save it as UTF-8.

>>> decode_text("法律援助".encode("gbk"), "a.yaml", "yaml")[1].message
'this file is not UTF-8: it reads as GBK (GB 2312/GB 18030) text'
>>> decode_text(b"\\xef\\xbb\\xbfok", "a.yaml", "yaml")
('ok', None)
"""

from __future__ import annotations

from legalaid_rules.errors import Location, Problem
from legalaid_rules.i18n import N_, _

__all__ = ["SAVE_AS_UTF8", "decode_text"]

SAVE_AS_UTF8 = N_("save the file as UTF-8 (in Notepad: Save As, Encoding: UTF-8)")
"""The hint of every encoding problem (marked for the catalogues; shown translated)."""

_BOM8 = b"\xef\xbb\xbf"
_BOM16 = (b"\xff\xfe", b"\xfe\xff")


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of a byte offset."""
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def decode_text(raw: bytes, file: str | None, prefix: str) -> tuple[str | None, Problem | None]:
    """Decode a file's bytes as UTF-8 (a UTF-8 byte-order mark is allowed and dropped).

    Args:
        raw: the file's bytes.
        file: the file's name as shown in messages (None for input without a file).
        prefix: the problem code's prefix (``yaml``, ``input``): the code is ``<prefix>.encoding``.

    Returns:
        The text and None, or None and the located problem (line and column of the first byte
        that is not UTF-8, or of the first NUL byte), with the hint to save the file as UTF-8.
    """
    code = f"{prefix}.encoding"
    if raw.startswith(_BOM16):
        return None, Problem(
            code, _("this file is UTF-16 text, not UTF-8"), Location(file, 1, 1), _(SAVE_AS_UTF8)
        )
    if raw.startswith(_BOM8):
        raw = raw[len(_BOM8) :]
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _position(raw, nul)
        sample = raw[: 2 * 64]
        utf16 = len(sample) >= 4 and sample.count(b"\x00") * 3 >= len(sample)
        message = (
            _("this file looks like UTF-16 text without a byte-order mark, not UTF-8")
            if utf16
            else _("this file holds a NUL byte (a binary file, or text in another encoding)")
        )
        return None, Problem(code, message, Location(file, line, column), _(SAVE_AS_UTF8))
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line, column = _position(raw, exc.start)
    try:
        raw.decode("gbk")
    except UnicodeDecodeError:
        message = _("this file is not UTF-8 text")
    else:
        message = _("this file is not UTF-8: it reads as GBK (GB 2312/GB 18030) text")
    return None, Problem(code, message, Location(file, line, column), _(SAVE_AS_UTF8))
