"""Evaluation: ``evaluate()`` = intake -> backend -> assembly -> wording (zh/en), routes, programs.

- :mod:`.intake`: the application validated into the typed model and checked against the pack;
- :mod:`.validation`: validation errors as located problems in the reader's language;
- :mod:`legalaid_rules.backends`: every rule's three-valued result (native or durable-rules);
- :mod:`.assembly`: outcome, economic condition, the missing list (Art 43), programs and routes
  at once; reasons, warnings and steps when first read;
- :mod:`.wording`: every Chinese and English text of a decision;
- :mod:`.routing` and :mod:`.programs`: routes and program results.
"""

from legalaid_rules.evaluation.intake import check_application, to_application
from legalaid_rules.evaluation.pipeline import BACKENDS, backend_named, evaluate
from legalaid_rules.evaluation.validation import field_problems

__all__ = ["BACKENDS", "backend_named", "check_application", "evaluate", "field_problems", "to_application"]
