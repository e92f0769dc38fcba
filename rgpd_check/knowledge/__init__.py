"""Typed, validated access to the knowledge files in ``rules/data/``.

Rules and analyzers ask questions ("is this country adequate?", "which operator is AS16276?",
"which tracker is this host?") without knowing the YAML layout.
"""

from rgpd_check.knowledge._loading import KnowledgeDataError
from rgpd_check.knowledge.countries import Countries, load_countries, read_countries
from rgpd_check.knowledge.providers import Provider, ProviderIndex, load_providers, read_providers
from rgpd_check.knowledge.trackers import Tracker, TrackerIndex, load_trackers, read_trackers

__all__ = [
    "Countries",
    "KnowledgeDataError",
    "Provider",
    "ProviderIndex",
    "Tracker",
    "TrackerIndex",
    "load_countries",
    "load_providers",
    "load_trackers",
    "read_countries",
    "read_providers",
    "read_trackers",
]
