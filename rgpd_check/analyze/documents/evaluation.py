"""Score the reader against labelled documents: per-signal precision, recall and F1.

Used by ``benchmarks/bench_reader.py`` and by the quality-gate test. A signal counts as
predicted positive when its status is ``affirmed``; denials are scored apart (did the reader
find the explicit negative statements the labels record?), and so are the values that can
be compared exactly (minimum age, hosting countries, art. 28 letters).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rgpd_check.analyze.documents.read import SIGNALS, read_document

STATUSES = ("affirmed", "denied", "not_found")
LETTERS = "abcdefgh"


@dataclass(frozen=True)
class LabelledDocument:
    """A document and the labels a person wrote for it."""

    label_file: Path
    document: Path
    type: str
    lang: str | None
    labels: dict[str, dict[str, Any]]
    heldout: bool = False


@dataclass
class Counts:
    """Confusion counts of one signal."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    denied_labelled: int = 0
    denied_found: int = 0
    denied_false: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return 0.0 if (self.tp + self.fp + self.fn) else None
        return 2 * p * r / (p + r)


@dataclass
class Report:
    """Scores of one labelled set."""

    name: str
    documents: int = 0
    missing: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    per_signal: dict[str, Counts] = field(default_factory=dict)
    letters: Counts = field(default_factory=Counts)
    values: dict[str, list[bool]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def micro(self) -> Counts:
        total = Counts()
        for counts in self.per_signal.values():
            total.tp += counts.tp
            total.fp += counts.fp
            total.fn += counts.fn
            total.denied_labelled += counts.denied_labelled
            total.denied_found += counts.denied_found
            total.denied_false += counts.denied_false
        return total


def repo_root() -> Path:
    """The source checkout the labels refer to (``document:`` paths are relative to it)."""
    return Path(__file__).resolve().parents[3]


def load_labels(folder: Path, root: Path | None = None) -> list[LabelledDocument]:
    """Every ``*.yaml`` label file of a folder, checked for a complete set of signals."""
    root = root or repo_root()
    documents = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        signals = data.get("signals") or {}
        missing = [s for s in SIGNALS if s not in signals]
        unknown = [s for s in signals if s not in SIGNALS]
        if missing or unknown:
            raise ValueError(f"{path.name}: missing labels {missing}, unknown labels {unknown}")
        for name, label in signals.items():
            if label.get("status") not in STATUSES:
                raise ValueError(f"{path.name}: {name} has status {label.get('status')!r}")
        documents.append(
            LabelledDocument(
                label_file=path,
                document=(root / data["document"]).resolve(),
                type=str(data.get("type", "other")),
                lang=data.get("lang"),
                labels=signals,
                heldout=bool(data.get("heldout", False)),
            )
        )
    return documents


def _same_value(name: str, expected: Any, predicted: Any) -> bool:
    if name == "hosting_location":
        return set(expected or []) == set(predicted or [])
    return bool(expected == predicted)


def score(name: str, documents: list[LabelledDocument]) -> Report:
    """Run the reader on every labelled document and count agreements."""
    report = Report(name=name, per_signal={s: Counts() for s in SIGNALS})
    for doc in documents:
        if not doc.document.exists():
            report.missing.append(str(doc.document))
            continue
        try:
            result = read_document(doc.document.read_bytes(), filename=doc.document.name)
        except Exception as exc:  # noqa: BLE001 - an unreadable labelled file is a failure
            report.unreadable.append(f"{doc.document.name}: {exc}")
            continue
        report.documents += 1
        for signal in SIGNALS:
            expected = doc.labels[signal]
            got = result["signals"][signal]
            counts = report.per_signal[signal]
            want, have = expected["status"], got["status"]
            if want == "affirmed" and have == "affirmed":
                counts.tp += 1
            elif have == "affirmed":
                counts.fp += 1
                report.errors.append(f"{doc.document.name}: {signal} FP {_evidence(got)}")
            elif want == "affirmed":
                counts.fn += 1
                report.errors.append(f"{doc.document.name}: {signal} FN (got {have})")
            if want == "denied":
                counts.denied_labelled += 1
                if have == "denied":
                    counts.denied_found += 1
                else:
                    report.errors.append(
                        f"{doc.document.name}: {signal} denial missed (got {have})"
                    )
            elif have == "denied":
                counts.denied_false += 1
                report.errors.append(f"{doc.document.name}: {signal} false denial {_evidence(got)}")
            if (
                signal in ("min_age", "hosting_location")
                and want == have == "affirmed"
                and "value" in expected
            ):
                same = _same_value(signal, expected["value"], got["value"])
                report.values.setdefault(signal, []).append(same)
                if not same:
                    report.errors.append(
                        f"{doc.document.name}: {signal} value "
                        f"{got['value']!r} != {expected['value']!r}"
                    )
        want_letters = set(doc.labels["art28_clauses"].get("value") or [])
        have_letters = set(result["signals"]["art28_clauses"]["value"] or [])
        report.letters.tp += len(want_letters & have_letters)
        report.letters.fp += len(have_letters - want_letters)
        report.letters.fn += len(want_letters - have_letters)
        if want_letters != have_letters:
            report.errors.append(
                f"{doc.document.name}: art. 28 letters {sorted(have_letters)}"
                f" != {sorted(want_letters)}"
            )
    return report


def _evidence(signal: dict[str, Any]) -> str:
    quotes = signal.get("quotes") or []
    if not quotes:
        return ""
    text = " ".join(quotes[0]["text"].split())
    return f"«{text[:110]}»"


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.2f}"


def format_report(report: Report, *, verbose: bool = False) -> str:
    """A plain-text table of the scores."""
    lines = [f"== {report.name}: {report.documents} documents =="]
    lines.extend(f"   missing (not scored): {path}" for path in report.missing)
    lines.extend(f"   unreadable (not scored): {item}" for item in report.unreadable)
    lines.append(
        f"{'signal':24s} {'TP':>3s} {'FP':>3s} {'FN':>3s}  {'P':>5s} {'R':>5s} "
        f"{'F1':>5s}  denied found/labelled (false)"
    )
    for signal, c in report.per_signal.items():
        lines.append(
            f"{signal:24s} {c.tp:3d} {c.fp:3d} {c.fn:3d}  {_fmt(c.precision):>5s} "
            f"{_fmt(c.recall):>5s} {_fmt(c.f1):>5s}  {c.denied_found}/{c.denied_labelled} "
            f"({c.denied_false})"
        )
    micro = report.micro
    lines.append(
        f"{'MICRO':24s} {micro.tp:3d} {micro.fp:3d} {micro.fn:3d}  "
        f"{_fmt(micro.precision):>5s} {_fmt(micro.recall):>5s} {_fmt(micro.f1):>5s}"
    )
    denied = (micro.denied_found / micro.denied_labelled) if micro.denied_labelled else None
    lines.append(
        f"denied accuracy: {_fmt(denied)} ({micro.denied_found}/"
        f"{micro.denied_labelled} labelled denials found, {micro.denied_false} "
        f"false denials)"
    )
    letters = report.letters
    lines.append(
        f"art. 28 letters: P {_fmt(letters.precision)} R {_fmt(letters.recall)} "
        f"F1 {_fmt(letters.f1)} (TP {letters.tp}, FP {letters.fp}, FN {letters.fn})"
    )
    for signal, checks in report.values.items():
        lines.append(f"value accuracy {signal}: {sum(checks)}/{len(checks)}")
    if verbose and report.errors:
        lines.append("-- disagreements --")
        lines.extend(f"   {e}" for e in report.errors)
    return "\n".join(lines)
