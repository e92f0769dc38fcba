"""Quality gate: the reader on its labelled corpora (dev: written for the project; real:
published documents read in place from ../shared/corpus/real/, skipped if absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rgpd_check.analyze.documents.evaluation import load_labels, repo_root, score

ROOT = repo_root()


def test_dev_corpus_micro_f1() -> None:
    documents = load_labels(ROOT / "tests" / "corpus" / "dev" / "labels", ROOT)
    assert len(documents) >= 20
    formats = {d.document.suffix for d in documents}
    assert {".md", ".html", ".txt", ".pdf", ".docx"} <= formats
    assert {d.lang for d in documents} == {"fr", "en"}
    report = score("dev", documents)
    assert not report.missing and not report.unreadable
    assert report.documents == len(documents)
    assert (report.micro.f1 or 0.0) >= 0.95, "\n".join(report.errors)


@pytest.mark.slow
def test_real_corpus_micro_f1() -> None:
    documents = load_labels(ROOT / "tests" / "corpus" / "real_labels", ROOT)
    assert len(documents) >= 10
    if not all(d.document.exists() for d in documents):
        pytest.skip("the shared real corpus is not available next to the repository")
    report = score("real", documents)
    assert (report.micro.f1 or 0.0) >= 0.90, "\n".join(report.errors)


def test_real_labels_never_copy_the_texts() -> None:
    for path in (ROOT / "tests" / "corpus" / "real_labels").glob("*.yaml"):
        content = path.read_text(encoding="utf-8")
        assert "document: ../shared/corpus/real/" in content
        assert len(content) < 6000, f"{path.name} looks like it holds text, not labels"


def test_every_real_label_names_an_existing_file_name() -> None:
    names = {d.document.name for d in load_labels(ROOT / "tests" / "corpus" / "real_labels",
                                                  ROOT)}
    assert all(Path(n).suffix == ".md" for n in names)
