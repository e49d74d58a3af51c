"""Solver-backed pack analysis: gaps, conflicts, narrowing, semantic diffs and counterfactuals.

Needs the ``analysis`` extra (``pip install 'legalaid-rules[analysis]'``, z3-solver).
"""
