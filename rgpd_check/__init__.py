"""rgpd-check: evidence-based GDPR checks of the online tools teachers use with pupils.

Pipeline: collect → evidence → analyze → facts → rules → findings → classify → render.
"""

__version__ = "0.1.0"
