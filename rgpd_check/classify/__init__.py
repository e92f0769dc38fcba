"""Classify: findings + facts → one level, its reasons and the actions before use.

The judgement lives in data (``rules/data/levels.yaml``, documented in ``docs/levels.md``);
this package reads it (:mod:`.loader`), finds which rules it speaks of (:mod:`.selection`),
decides (:mod:`.decide`) and lists the actions (:mod:`.actions`).
"""

from rgpd_check.classify.decide import Classification, classify
from rgpd_check.classify.levels import GRADED, LEVELS, UNVERIFIED, compare_levels
from rgpd_check.classify.loader import PolicyError, default_policy, load_policy, parse_policy
from rgpd_check.classify.policy import LevelPolicy

__all__ = [
    "GRADED",
    "LEVELS",
    "UNVERIFIED",
    "Classification",
    "LevelPolicy",
    "PolicyError",
    "classify",
    "compare_levels",
    "default_policy",
    "load_policy",
    "parse_policy",
]
