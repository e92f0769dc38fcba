"""Document reader: signals from privacy policies, terms, legal notices and DPAs (FR/EN).

Rule-based and explainable: every signal comes with the quotes that support it, and the
vocabulary (patterns, lexicons, places) lives in YAML under ``rules/data/vocabulary/`` so a
DPO can extend it. Entry points: ``extract.extract_text``, ``read.read_text``,
``read.read_document``, ``merge.merge_documents``, ``summary.format_summary``.
"""
