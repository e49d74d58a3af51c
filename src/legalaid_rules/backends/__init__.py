"""Execution backends: what runs a resolved pack's conditions for one application.

A backend (:class:`~legalaid_rules.backends.results.Backend`) returns
:class:`~legalaid_rules.backends.results.RuleResults`: every rule's three-valued result, and on
demand the tests each rule compared and the unknowns that leave it open. The evaluation
package assembles the decision from them, the same for every backend; a backend never imports
evaluation.

- :mod:`legalaid_rules.backends.native` (the default): each pack compiled once into generated
  Python source (:mod:`legalaid_rules.backends._plan_source`);
- :mod:`legalaid_rules.backends.durable`: the conditions run as a forward-chaining Rete network in
  durable-rules (``pip install 'legalaid-rules[durable]'``). See ``docs/backends.md``.
"""
