"""The vocabulary loads once, and a broken file fails with its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rgpd_check.analyze.documents.vocabulary import (
    VocabularyError,
    build_vocabulary,
    load_vocabulary,
    vocabulary_dir,
)


def test_loads_and_is_cached() -> None:
    vocab = load_vocabulary()
    assert vocab is load_vocabulary()
    assert "data_sale" in vocab.signals
    assert set(vocab.art28.letters) == set("abcdefgh")
    assert vocab.places.names["france"] == "FR"


def _broken(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "vocabulary"
    shutil.copytree(vocabulary_dir(), folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _line_of(folder: Path, name: str, needle: str) -> int:
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_invalid_regex_names_file_and_line(tmp_path: Path) -> None:
    folder = _broken(tmp_path, "signals.yaml", "{id: scc, re: '", "{id: scc, re: '(unclosed ")
    line = _line_of(folder, "signals.yaml", "(unclosed")
    with pytest.raises(VocabularyError, match=rf"signals\.yaml:{line}: invalid regular"):
        build_vocabulary(folder)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    folder = _broken(tmp_path, "cues.yaml", "negation:\n", "negation: [\n")
    with pytest.raises(VocabularyError, match=r"cues\.yaml:\d+: YAML syntax error"):
        build_vocabulary(folder)


def test_unknown_macro_and_key_and_duplicate(tmp_path: Path) -> None:
    folder = _broken(tmp_path, "signals.yaml", "{id: dpf, re: '", "{id: dpf, re: '{NOPE}")
    with pytest.raises(VocabularyError, match=r"signals\.yaml:\d+: unknown macro \{NOPE\}"):
        build_vocabulary(folder)
    folder2 = _broken(tmp_path / "b", "signals.yaml", "  scc:\n    patterns:",
                      "  scc:\n    pattern: []\n    patterns:")
    with pytest.raises(VocabularyError, match=r"unknown key 'pattern' in scc"):
        build_vocabulary(folder2)
    folder3 = _broken(tmp_path / "c", "numbers.yaml", "  seize: 16\n", "  seize: 16\n  seize: 17\n")
    with pytest.raises(VocabularyError, match=r"numbers\.yaml:\d+: duplicate key 'seize'"):
        build_vocabulary(folder3)


def test_missing_label_is_reported(tmp_path: Path) -> None:
    line = '  profiling: {fr: "Profilage", en: "Profiling"}\n'
    folder = _broken(tmp_path, "labels.yaml", line, "")
    with pytest.raises(VocabularyError, match=r"no label for profiling"):
        build_vocabulary(folder)
