"""The library version: the one place it is written (pyproject.toml reads it from here).

Kept as a literal so that ``import legalaid_rules`` does not read package metadata.
"""

__version__ = "0.1.0"
