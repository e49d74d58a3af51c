"""The packs a service instance serves: a registry, a bounded cache of loads, and the choice of
pack by the applicant's place.

A deployment's rules folder does not change while the service runs, so the list of pack ids and
their versions is read once, and each (pack, date) load is kept in a bounded cache (a
``Registry`` already caches the resolved pack; this saves it listing the folder per request).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from pathlib import Path

from legalaid_rules.applications import Application
from legalaid_rules.errors import PackNotFoundError
from legalaid_rules.i18n import _
from legalaid_rules.packs import PackVersion, Registry, ResolvedPack
from legalaid_rules.service.problems import ServiceProblem

__all__ = ["Catalog"]


class Catalog:
    """The packs of one registry, as the service reads them. Thread-safe.

    Args:
        root: the rules folder; the bundled packs when None.
        cache_size: how many (pack, date) loads to keep.
    """

    def __init__(self, root: Path | None = None, cache_size: int = 4096) -> None:
        self.registry = Registry(root)
        self._lock = threading.Lock()
        self._loads: OrderedDict[tuple[str, dt.date], ResolvedPack] = OrderedDict()
        self._size = cache_size
        self._versions: dict[str, list[PackVersion]] | None = None

    def versions(self) -> dict[str, list[PackVersion]]:
        """Every pack id with its versions, earliest first (read once).

        Raises:
            PackError: a pack file has problems.
        """
        if self._versions is None:
            found = {pack_id: self.registry.versions(pack_id) for pack_id in self.registry.ids()}
            with self._lock:
                self._versions = found
        return self._versions

    def load(self, pack_id: str, on: dt.date) -> ResolvedPack:
        """The pack in force on a date.

        Raises:
            PackNotFoundError: no such pack, or no version in force that day.
            PackError: the pack has problems.
        """
        key = (pack_id, on)
        with self._lock:
            hit = self._loads.get(key)
            if hit is not None:
                self._loads.move_to_end(key)
                return hit
        pack = self.registry.load(pack_id, on)
        with self._lock:
            self._loads[key] = pack
            if len(self._loads) > self._size:
                self._loads.popitem(last=False)
        return pack

    def for_place(self, app: Application, on: dt.date) -> ResolvedPack:
        """The most specific pack in force on ``on`` whose jurisdiction holds the applicant's place.

        The place is the locality's county, else its city, else the office applied at. Of the
        packs covering it, the one with the longest lineage (a county's pack over its city's,
        a city's over its province's) decides.

        Raises:
            ServiceProblem: the application names no place, or no pack covers it on that date.
        """
        places = [p for p in (app.locality.county, app.locality.city, app.office) if p]
        if not places:
            raise ServiceProblem(
                422,
                "pack.no_place",
                "the application names no place (`locality.county`, `locality.city` or `office`)",
                zh="申请未写明地区（locality.county、locality.city 或 office），无法选择规则包",
                hint=_("give `pack`, or the applicant's city or county"),
            )
        best: tuple[int, ResolvedPack] | None = None
        for pack_id, versions in self.versions().items():
            if not any(v.start <= on and (v.end is None or on <= v.end) for v in versions):
                continue
            try:
                pack = self.load(pack_id, on)
            except PackNotFoundError:
                continue
            place = next((p for p in places if p in pack.regions), None)
            if place is None or not pack.within(place, pack.jurisdiction):
                continue
            depth = len(pack.lineage)
            if best is None or depth > best[0]:
                best = (depth, pack)
        if best is None:
            raise ServiceProblem(
                422,
                "pack.no_pack_for_place",
                f"no pack in force on {on} covers `{places[0]}`",
                zh=f"{on} 没有施行中的规则包适用于 `{places[0]}`",
                hint=_("give `pack` explicitly, or check the region id"),
            )
        return best[1]
