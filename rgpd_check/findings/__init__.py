"""Findings: the result of one rule on one facts document, with evidence and trace."""

from .evidence import Citations, Gathered, cap_value, gather, quote_ref, refs_for
from .model import Finding

__all__ = ["Citations", "Finding", "Gathered", "cap_value", "gather", "quote_ref", "refs_for"]
