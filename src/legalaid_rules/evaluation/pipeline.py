"""``evaluate``: intake -> backend -> assembly, for one application and one resolved pack.

Pure, deterministic and thread-safe: all state is per call, and what is compiled from a pack
is built once, under a lock, in the pack's cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Any

from legalaid_rules.applications import Application
from legalaid_rules.backends.native import NATIVE
from legalaid_rules.backends.results import Backend
from legalaid_rules.decisions import Decision
from legalaid_rules.errors import BackendUnavailableError
from legalaid_rules.evaluation.assembly import assemble
from legalaid_rules.evaluation.intake import check_application, to_application
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.packs.places import Place

__all__ = ["BACKENDS", "backend_named", "evaluate"]

BACKENDS = ("native", "durable")
"""The names ``evaluate`` accepts for ``backend``."""


def backend_named(name: str) -> Backend:
    """The backend of a name in :data:`BACKENDS`.

    The durable backend is imported on first use: it needs the ``durable`` extra, and
    durable-rules is slow to import.

    Raises:
        BackendUnavailableError: the durable extra is not installed.
        ValueError: an unknown name.
    """
    if name == "native":
        return NATIVE
    if name == "durable":
        try:
            module = import_module("legalaid_rules.backends.durable")
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise BackendUnavailableError(
                "the durable backend needs durable-rules: pip install 'legalaid-rules[durable]'"
            ) from exc
        durable: Backend = module.DURABLE
        return durable
    raise ValueError(f"unknown backend `{name}` (choose from {', '.join(BACKENDS)})")


def evaluate(
    pack: ResolvedPack,
    application: Application | Mapping[str, Any],
    *,
    backend: str = "native",
    steps: bool = True,
) -> Decision:
    """Decide an application with a pack.

    Args:
        pack: the resolved pack in force on the application date (see ``load_pack``).
        application: the application, as a model or plain data.
        backend: ``"native"`` (default) or ``"durable"`` (needs the ``durable`` extra).
        steps: record every rule's evaluation in ``Decision.steps`` (the default). With
            ``False`` the steps are left empty; outcome, reasons, missing list and warnings
            are the same.

    Returns:
        The decision. Outcome, economic condition, missing list, programs and routes are
        decided at once; reasons, warnings and steps are rendered when first read.

    Raises:
        ApplicationError: the application is invalid, or does not fit the pack.
        ValueError: an unknown backend.
    """
    runner = NATIVE if backend == "native" else backend_named(backend)
    app = application if application.__class__ is Application else to_application(application)
    check_application(pack, app)
    place = Place.of(pack, app)
    return assemble(pack, app, place, runner.run(pack, app, place), steps=steps)
