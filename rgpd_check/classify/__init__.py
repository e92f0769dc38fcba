"""Classify: findings + facts → one level, its reasons and the actions before use."""

from rgpd_check.classify.policy import Classification, LevelPolicy, classify, load_policy

__all__ = ["Classification", "LevelPolicy", "classify", "load_policy"]
