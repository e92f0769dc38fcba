"""Benchmark of the document reader on the labelled sets, each scored separately.

    python benchmarks/bench_reader.py [--set dev|real|all] [--verbose]
    python benchmarks/bench_reader.py --explain FILE SIGNAL   (which pattern said what)

dev:  tests/corpus/dev/labels/ (documents written for the project, FR/EN, all formats)
real: tests/corpus/real_labels/ (published documents read in place from ../shared/corpus/real/,
      labelled before the reader was written; never copied into the repository). Files
      marked `heldout: true` were labelled later and never used to tune patterns: their
      subset is also scored on its own.

Prints per-signal precision/recall/F1 (a signal is predicted positive when its status is
"affirmed"), the micro-F1, denial accuracy, art. 28 letter scores and value accuracy.
Targets: micro-F1 >= 0.95 on dev, >= 0.90 on real.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rgpd_check.analyze.documents.evaluation import (  # noqa: E402
    format_report,
    load_labels,
    score,
)

SETS = {
    "dev": ROOT / "tests" / "corpus" / "dev" / "labels",
    "real": ROOT / "tests" / "corpus" / "real_labels",
}
TARGETS = {"dev": 0.95, "real": 0.90}


def explain(path: Path, signal: str) -> None:
    """Print every hit of one signal in one document, with the pattern that produced it."""
    from rgpd_check.analyze.documents.document import Document
    from rgpd_check.analyze.documents.extract import extract_text
    from rgpd_check.analyze.documents.matcher import find_hits
    from rgpd_check.analyze.documents.vocabulary import load_vocabulary

    vocab = load_vocabulary()
    extracted = extract_text(path.read_bytes(), filename=path.name)
    doc = Document.build(extracted.text, extracted.lang, vocab)
    for hit in find_hits(doc, vocab.signals[signal]):
        sentence = " ".join(doc.otext(hit.index).split())
        print(f"{hit.status:9s} {hit.pattern:24s} value={hit.value!r} scope={hit.scope!r}\n"
              f"          «{sentence[:200]}»")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=["dev", "real", "all"], default="all")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every disagreement")
    parser.add_argument("--explain", nargs=2, metavar=("FILE", "SIGNAL"),
                        help="show the hits of one signal in one document")
    args = parser.parse_args(argv)
    if args.explain:
        explain(Path(args.explain[0]), args.explain[1])
        return 0
    names = ["dev", "real"] if args.set == "all" else [args.set]
    status = 0
    for name in names:
        started = time.perf_counter()
        documents = load_labels(SETS[name], ROOT)
        report = score(name, documents)
        elapsed = time.perf_counter() - started
        print(format_report(report, verbose=args.verbose))
        heldout = [d for d in documents if d.heldout]
        if heldout:
            subset = score(f"{name} (held-out subset only)", heldout)
            print(format_report(subset, verbose=args.verbose))
            print(f"held-out micro-F1 {subset.micro.f1 or 0.0:.3f}\n")
        f1 = report.micro.f1 or 0.0
        verdict = "OK" if f1 >= TARGETS[name] else "BELOW TARGET"
        print(f"micro-F1 {f1:.3f} (target {TARGETS[name]:.2f}): {verdict}; "
              f"{elapsed:.1f} s for {report.documents} documents\n")
        if f1 < TARGETS[name]:
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
