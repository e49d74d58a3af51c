"""The condition language: syntax tree, parser, and checks against the application model."""

from legalaid_rules.conditions.check import CheckProblem, Names, check_condition
from legalaid_rules.conditions.parser import ParseError, parse

__all__ = ["CheckProblem", "Names", "ParseError", "check_condition", "parse"]
