"""The readable summary of ``rgpd-check read --format text`` (French first, English too).

A DPO checking a DPA received by e-mail reads this: each signal found with its quote, the
explicit denials, what was not found, and for processing agreements every art. 28(3) clause
by letter, present or MISSING.
"""

from __future__ import annotations

from typing import Any

from rgpd_check.analyze.documents.art28 import LETTERS
from rgpd_check.analyze.documents.read import SIGNALS
from rgpd_check.analyze.documents.vocabulary import Vocabulary, load_vocabulary

_QUOTE_CHARS = 240


def _short(text: str, limit: int = _QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _value(signal: str, value: Any, found: dict[str, Any], lang: str, vocab: Vocabulary) -> str:
    texts = vocab.texts
    if value is None:
        return ""
    if signal == "no_ads_commitment" and value in ("all", "targeted"):
        return texts[f"no_ads_{value}"][lang]
    if signal == "min_age" and found.get("table"):
        table = ", ".join(f"{k} {v}" for k, v in found["table"].items())
        return (
            f"{value} ({texts['age_table'][lang]} : {table})"
            if lang == "fr"
            else f"{value} ({texts['age_table'][lang]}: {table})"
        )
    if isinstance(value, dict):
        if "names" in value:
            parts = []
            if value.get("names"):
                parts.append(", ".join(value["names"]))
            if value.get("countries"):
                parts.append(
                    f"{texts['countries'][lang]} : "
                    if lang == "fr"
                    else f"{texts['countries'][lang]}: "
                )
                parts[-1] += ", ".join(value["countries"])
            if value.get("url"):
                parts.append(f"{texts['list'][lang]} {value['url']}")
            return " ; ".join(parts)
        name = value.get("name") or ""
        country = f" ({value['country']})" if value.get("country") else ""
        rest = [str(value[k]) for k in ("contact", "address") if value.get(k)]
        return ", ".join([f"{name}{country}".strip()] + rest).strip(", ")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _line(signal: str, found: dict[str, Any], lang: str, vocab: Vocabulary) -> list[str]:
    texts = vocab.texts
    colon = " : " if lang == "fr" else ": "
    label = vocab.labels[signal][lang]
    value = _value(signal, found.get("value"), found, lang, vocab)
    head = f"  • {label}"
    if value and signal != "art28_clauses":
        head += f" — {texts['value'][lang]}{colon}{value}"
    lines = [head]
    if found.get("scope"):
        lines.append(f"      {texts['scope'][lang]}{colon}{_short(found['scope'], 160)}")
    for quote in (found.get("quotes") or [])[:1]:
        lines.append(f"      « {_short(quote['text'])} »")
        if quote.get("url") and found.get("sources"):
            lines.append(f"      ({quote['url']})")
    return lines


def _art28_section(found: dict[str, Any], lang: str, vocab: Vocabulary) -> list[str]:
    texts = vocab.texts
    present = set(found.get("value") or [])
    by_letter = {q.get("clause"): q for q in found.get("quotes") or [] if q.get("clause")}
    missing = [letter for letter in LETTERS if letter not in present]
    count = texts["art28_summary"][lang].format(present=len(present), missing=len(missing))
    lines = ["", f"{texts['art28_title'][lang]} — {count}"]
    for letter in LETTERS:
        spec = vocab.art28.letters[letter]
        name = spec.name_fr if lang == "fr" else spec.name_en
        if letter in present:
            lines.append(f"  [x] {letter}) {name} — {texts['present'][lang]}")
            if letter in by_letter:
                lines.append(f"        « {_short(by_letter[letter]['text'], 180)} »")
        else:
            lines.append(f"  [ ] {letter}) {name} — {texts['missing'][lang]}")
    if missing:
        lines.append(f"  {texts['art28_note'][lang]}")
    return lines


def format_summary(result: dict[str, Any], lang: str = "fr", *, dpa: bool | None = None) -> str:
    """Readable summary of ``read_text``/``read_document`` (or merged) output."""
    lang = "en" if lang == "en" else "fr"
    vocab = load_vocabulary()
    texts = vocab.texts
    colon = " : " if lang == "fr" else ": "
    signals: dict[str, Any] = result.get("signals") or {}
    lines = [texts["title"][lang], "=" * len(texts["title"][lang])]
    detected = result.get("lang") or texts["unknown"][lang]
    lines.append(f"{texts['language'][lang]}{colon}{detected}")
    if result.get("title"):
        lines.append(f"{texts['title_line'][lang]}{colon}{_short(str(result['title']), 120)}")
    affirmed = [s for s in SIGNALS if (signals.get(s) or {}).get("status") == "affirmed"]
    denied = [s for s in SIGNALS if (signals.get(s) or {}).get("status") == "denied"]
    absent = [s for s in SIGNALS if s not in affirmed and s not in denied]
    lines += ["", f"{texts['found'][lang]} ({len(affirmed)}){colon.rstrip()}"]
    for signal in affirmed:
        lines += _line(signal, signals[signal], lang, vocab)
    if not affirmed:
        lines.append(f"  {texts['none'][lang]}")
    lines += ["", f"{texts['denied'][lang]} ({len(denied)}){colon.rstrip()}"]
    for signal in denied:
        lines += _line(signal, signals[signal], lang, vocab)
    if not denied:
        lines.append(f"  {texts['none'][lang]}")
    lines += ["", f"{texts['not_found'][lang]} ({len(absent)}){colon.rstrip()}"]
    lines += [f"  - {vocab.labels[s][lang]}" for s in absent]
    art28 = signals.get("art28_clauses") or {}
    show = (
        dpa
        if dpa is not None
        else bool(
            art28.get("agreement")
            or art28.get("status") == "affirmed"
            or (signals.get("dpa_offered") or {}).get("status") == "affirmed"
            and (signals.get("role_processor") or {}).get("status") == "affirmed"
        )
    )
    if show:
        lines += _art28_section(art28, lang, vocab)
    conflicts = result.get("conflicts") or []
    if conflicts:
        lines += ["", f"{texts['conflicts'][lang]} ({len(conflicts)}){colon.rstrip()}"]
        for conflict in conflicts:
            a, b = conflict["statement_a"], conflict["statement_b"]
            lines.append(f"  • {vocab.labels[conflict['signal']][lang]} ({conflict['kind']})")
            for statement in (a, b):
                quote = statement.get("quote") or {}
                lines.append(
                    f"      {statement.get('url')}: {statement.get('status')} "
                    f"« {_short(quote.get('text', ''), 160)} »"
                )
    return "\n".join(lines) + "\n"
