"""Hints for a region written by its Chinese name: ``宿松县`` -> the code is ``susong``.

Staff and intake systems often write the place as they say it. Region ids are pinyin codes, so
``did_you_mean`` finds nothing for ``宿松县``; the regions' Chinese names do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from legalaid_rules.errors import did_you_mean
from legalaid_rules.i18n import N_, _

__all__ = ["level_label", "region_hint"]

_LEVELS = {
    "country": N_("country"),
    "province": N_("province"),
    "city": N_("city"),
    "county": N_("county"),
    "township": N_("township"),
    "office_city": N_("the accepting office's city (`office_city`)"),
}


def level_label(level: str | None) -> str:
    """A region level (``city``), or a parameter's ``by``, in the reader's language."""
    return _(_LEVELS[level]) if level in _LEVELS else str(level)


_SUFFIXES = ("自治县", "自治州", "特别行政区", "省", "市", "县", "区", "镇", "乡", "街道")


def _bare(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def region_hint(word: str, regions: Mapping[str, Any]) -> str | None:
    """A hint for an unknown region ``word``: the code of the region with that Chinese name, or
    the closest code (did you mean).

    >>> from types import SimpleNamespace as R
    >>> from legalaid_rules.i18n import use_language
    >>> with use_language("en"):
    ...     region_hint("宿松县", {"susong": R(zh="宿松县"), "anqing": R(zh="安庆市")})
    '`宿松县` is written `susong` (the region code)'
    >>> with use_language("zh"):
    ...     region_hint("宿松", {"susong": R(zh="宿松县")})
    '`宿松` 应写作 `susong`（地区代码）'
    """
    names = {code: str(getattr(entry, "zh", "") or "") for code, entry in regions.items()}
    exact = [code for code, zh in names.items() if zh == word]
    loose = [code for code, zh in names.items() if zh and _bare(zh) == _bare(word)]
    found = exact or loose
    if len(found) == 1:
        return _("`{name}` is written `{code}` (the region code)").format(name=word, code=found[0])
    return did_you_mean(word, regions)
