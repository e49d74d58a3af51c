"""The HTTP service: decisions, packs, traces, the case-load and the decision log over HTTP.

``legalaid_rules.service:app`` is the default app for any ASGI server; it reads the
configuration file named by ``LEGALAID_SERVICE_CONFIG`` (or uses the defaults) when first
used. Tests and embedders build their own with :func:`create_app`::

    from legalaid_rules.service import Settings, create_app
    app = create_app(Settings(open_reads=False, tokens=...))

Needs the ``service`` extra: ``pip install 'legalaid-rules[service]'``. The package itself
holds only the settings, so the command line can read a configuration without loading FastAPI;
``create_app`` and ``app`` load it on first use (PEP 562 module attributes).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from legalaid_rules.service.settings import Role, ServiceConfigError, Settings, TokenEntry, load_settings

if TYPE_CHECKING:
    from fastapi import FastAPI

    from legalaid_rules.service.factory import create_app

__all__ = [
    "CONFIG_VARIABLE",
    "Role",
    "ServiceConfigError",
    "Settings",
    "TokenEntry",
    "app",
    "create_app",
    "load_settings",
    "settings_from_env",
]

CONFIG_VARIABLE = "LEGALAID_SERVICE_CONFIG"
"""The environment variable naming the default app's configuration file."""

_default: FastAPI | None = None


def settings_from_env() -> Settings:
    """The settings named by ``LEGALAID_SERVICE_CONFIG``, or the defaults.

    Raises:
        ServiceConfigError: the file named cannot be used.
    """
    path = os.environ.get(CONFIG_VARIABLE)
    return load_settings(Path(path)) if path else Settings()


def __getattr__(name: str) -> Any:
    # FastAPI is loaded only when an app is wanted (the `serve` command starts in well under 1 s)
    global _default
    if name == "create_app":
        return importlib.import_module("legalaid_rules.service.factory").create_app
    if name == "app":
        if _default is None:
            factory = importlib.import_module("legalaid_rules.service.factory")
            _default = factory.create_app(settings_from_env())
        return _default
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
