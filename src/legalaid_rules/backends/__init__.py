"""Alternative execution backends for compiled rule packs.

The native evaluator (:mod:`legalaid_rules.native`) is the default. A backend here computes the
same per-rule three-valued results, recorded tests and unknown facts by other means; the decision
is then assembled by :func:`legalaid_rules.evaluator.assemble`, the same for every backend.

- :mod:`legalaid_rules.backends.durable`: the conditions run as a forward-chaining Rete network in
  durable-rules (``pip install 'legalaid-rules[durable]'``). See ``docs/backends.md``.
"""
