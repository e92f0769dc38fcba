"""The reader's vocabulary, loaded once from ``rules/data/vocabulary/`` and checked.

Patterns, lexicons and the cloud-region map are data so a DPO can extend them. Everything is
validated and compiled at load time: a typo fails loudly with ``file:line`` instead of a
pattern that silently never matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from rgpd_check.analyze.documents._yaml import LDict, LList, VocabularyError, load_located
from rgpd_check.analyze.documents.normalize import fold_name, fold_pattern
from rgpd_check.resources import data_path

__all__ = ["Vocabulary", "VocabularyError", "load_vocabulary", "vocabulary_dir"]

_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_VALUE_EXTRACTORS = frozenset(
    {
        "controller",
        "host",
        "contact",
        "subprocessors",
        "places",
        "retention",
        "age",
        "no_ads",
        "art28",
    }
)
_GUARDS = frozenset({"definition", "others", "rights_context"})


@dataclass(frozen=True)
class Rx:
    """A compiled pattern and where it was written."""

    source: str
    regex: re.Pattern[str]
    where: str

    def search(self, text: str) -> re.Match[str] | None:
        """First match in ``text``."""
        return self.regex.search(text)


@dataclass(frozen=True)
class PatternSpec:
    """One way of saying a signal."""

    id: str
    rx: Rx
    lang: str | None = None
    also: tuple[Rx, ...] = ()
    near: int = 0
    in_heading: bool = False
    intro: Rx | None = None
    exclude: tuple[Rx, ...] = ()
    polarity: str = "affirm"
    value_required: bool = False
    at_start: bool = False
    in_table: bool = False


@dataclass(frozen=True)
class SignalSpec:
    """How the reader finds one signal."""

    name: str
    patterns: tuple[PatternSpec, ...] = ()
    exclude: tuple[Rx, ...] = ()
    guards: tuple[str, ...] = ()
    negatable: bool = True
    value: str | None = None
    value_required: bool = False
    on_denied: tuple[tuple[str, Any], ...] = ()
    internal: bool = False
    combine: tuple[str, ...] = ()


@dataclass(frozen=True)
class NegationCue:
    """A word that negates what follows it in the clause."""

    rx: Rx
    max_words: int | None


@dataclass(frozen=True)
class Cues:
    """Negation, conditions, scope, shared guards and sentence-splitting data."""

    negation: tuple[NegationCue, ...]
    post_negation: tuple[Rx, ...]
    negation_exceptions: tuple[Rx, ...]
    clause_boundary: Rx
    condition: Rx
    scope: tuple[Rx, ...]
    guards: dict[str, tuple[Rx, ...]]
    abbreviations: frozenset[str]


@dataclass(frozen=True)
class AgeVocab:
    """Cues for the minimum age and per-country age tables."""

    lower: tuple[Rx, ...]
    upper: tuple[Rx, ...]
    full_age: tuple[Rx, ...]
    usage: Rx
    prohibit: Rx
    parental: Rx
    coppa: Rx
    use_prohibit: Rx
    table_cue: Rx
    default_row: Rx
    number: Rx
    words: dict[str, int]


@dataclass(frozen=True)
class Letter:
    """One clause of GDPR art. 28(3)."""

    letter: str
    name_fr: str
    name_en: str
    patterns: tuple[Rx, ...]
    heading: Rx | None = None
    heading_patterns: tuple[Rx, ...] = ()


@dataclass(frozen=True)
class Art28Vocab:
    """Art. 28(3) clauses and the processor-commitment context they need."""

    gate_title: Rx
    gate_self: Rx
    gate_heading: Rx
    letters: dict[str, Letter]


@dataclass(frozen=True)
class Provider:
    """A hosting or cloud provider and its region names."""

    id: str
    names: tuple[str, ...]
    country: str
    regions: dict[str, str]
    region_patterns: tuple[tuple[re.Pattern[str], str], ...]


@dataclass(frozen=True)
class Places:
    """Country/city names and provider regions mapped to ISO codes."""

    names: dict[str, str]
    name_rx: re.Pattern[str]
    abbr: dict[str, str]
    abbr_rx: re.Pattern[str]
    eea: frozenset[str]
    country_codes: frozenset[str]
    providers: tuple[Provider, ...]
    provider_names: dict[str, str]
    provider_rx: re.Pattern[str]
    region_rx: re.Pattern[str]
    region_source: str


@dataclass(frozen=True)
class Vocabulary:
    """Everything the reader knows, compiled."""

    signals: dict[str, SignalSpec]
    cues: Cues
    ages: AgeVocab
    art28: Art28Vocab
    places: Places
    stopwords: dict[str, frozenset[str]]
    language_min_hits: int
    language_ratio: float
    labels: dict[str, dict[str, str]]
    texts: dict[str, dict[str, str]]
    files: tuple[str, ...] = field(default=())


def vocabulary_dir() -> Path:
    """Folder of the vocabulary files."""
    return data_path("vocabulary")


@cache
def load_vocabulary() -> Vocabulary:
    """Load, check and compile the vocabulary once per process."""
    return build_vocabulary(vocabulary_dir())


def build_vocabulary(folder: Path) -> Vocabulary:
    """Load and compile the vocabulary of one folder (tests use broken copies)."""
    raw = {
        name: load_located(folder / f"{name}.yaml")
        for name in (
            "signals",
            "cues",
            "ages",
            "art28",
            "places",
            "providers",
            "numbers",
            "language",
            "labels",
        )
    }
    for doc in raw.values():
        _require(doc, "schema_version", int)
    numbers = _numbers(raw["numbers"])
    places = _places(raw["places"], raw["providers"])
    macros = _macros(raw["signals"], numbers, places)
    compiler = _Compiler(macros)
    signals = _signals(raw["signals"], compiler)
    cues = _cues(raw["cues"], compiler)
    ages = _ages(raw["ages"], compiler, numbers)
    art28 = _art28(raw["art28"], compiler)
    language = raw["language"]
    stop = _require(language, "stopwords", LDict)
    stopwords = {
        lang: frozenset(fold_name(str(w)) for w in _require(stop, lang, LList))
        for lang in ("fr", "en")
    }
    labels_doc = raw["labels"]
    labels = {
        str(k): _texts(v, labels_doc.where(k))
        for k, v in _require(labels_doc, "signals", LDict).items()
    }
    missing = [name for name in signals if not signals[name].internal and name not in labels]
    if missing:
        raise VocabularyError(f"{labels_doc.where('signals')}: no label for {', '.join(missing)}")
    texts = {
        str(k): _texts(v, labels_doc.where(k))
        for k, v in _require(labels_doc, "text", LDict).items()
    }
    return Vocabulary(
        signals=signals,
        cues=cues,
        ages=ages,
        art28=art28,
        places=places,
        stopwords=stopwords,
        language_min_hits=int(_require(language, "min_hits", int)),
        language_ratio=float(_require(language, "ratio", (int, float))),
        labels=labels,
        texts=texts,
        files=tuple(sorted(f"{n}.yaml" for n in raw)),
    )


# --- helpers -------------------------------------------------------------------------------


def _require(mapping: LDict, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(mapping, LDict) or key not in mapping:
        where = mapping.where() if isinstance(mapping, LDict | LList) else "?"
        raise VocabularyError(f"{where}: missing key {key!r}")
    value = mapping[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise VocabularyError(f"{mapping.where(key)}: {key!r} has the wrong type")
    return value


def _texts(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, LDict) or not {"fr", "en"} <= set(value):
        raise VocabularyError(f"{where}: needs both 'fr' and 'en' texts")
    return {"fr": str(value["fr"]), "en": str(value["en"])}


class _Compiler:
    """Folds, expands macros and compiles patterns, reporting errors with their location."""

    def __init__(self, macros: dict[str, str]) -> None:
        self.macros = macros

    def expand(self, source: str, where: str, depth: int = 0) -> str:
        if depth > 8:
            raise VocabularyError(f"{where}: macros nest too deeply (a macro refers to itself?)")

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.macros:
                raise VocabularyError(f"{where}: unknown macro {{{name}}}")
            return "(?:" + self.expand(self.macros[name], where, depth + 1) + ")"

        return _MACRO.sub(replace, source)

    def rx(self, source: Any, where: str) -> Rx:
        if not isinstance(source, str) or not source.strip():
            raise VocabularyError(f"{where}: a pattern must be a non-empty string")
        expanded = self.expand(fold_pattern(source), where)
        try:
            regex = re.compile(expanded, re.IGNORECASE)
        except re.error as exc:
            raise VocabularyError(
                f"{where}: invalid regular expression ({exc.msg}): {source}"
            ) from exc
        if regex.groupindex:
            raise VocabularyError(f"{where}: named groups are not allowed: {source}")
        return Rx(source, regex, where)

    def rx_list(self, items: Any, where: str) -> tuple[Rx, ...]:
        if not isinstance(items, LList):
            raise VocabularyError(f"{where}: expected a list of patterns")
        return tuple(self.rx(item, items.where(i)) for i, item in enumerate(items))

    def union(self, items: Any, where: str) -> Rx:
        parts = self.rx_list(items, where)
        source = "|".join(f"(?:{p.regex.pattern})" for p in parts)
        return Rx(source, re.compile(source, re.IGNORECASE), where)


def _alternation(names: Iterable[str]) -> str:
    ordered = sorted(set(names), key=lambda n: (-len(n), n))
    return "|".join(re.escape(n) for n in ordered if n)


def _numbers(doc: LDict) -> dict[str, int]:
    words: dict[str, int] = {}
    for lang in ("fr", "en"):
        table = _require(doc, lang, LDict)
        for word, value in table.items():
            if not isinstance(value, int) or not 0 < value < 100:
                raise VocabularyError(f"{table.where(word)}: {word!r} needs a number 1-99")
            words[fold_name(word)] = value
    return words


def _places(doc: LDict, providers_doc: LDict) -> Places:
    names: dict[str, str] = {}
    abbr: dict[str, str] = {}
    codes: set[str] = set()
    for section in ("countries", "cities"):
        entries = _require(doc, section, LList)
        for i, entry in enumerate(entries):
            if not isinstance(entry, LDict):
                raise VocabularyError(f"{entries.where(i)}: expected a mapping")
            code = str(_require(entry, "code", str))
            if not re.fullmatch(r"[A-Z]{2}", code):
                raise VocabularyError(f"{entry.where('code')}: {code!r} is not an ISO code")
            if section == "countries":
                codes.add(code)
            for name in _require(entry, "names", LList):
                names[fold_name(str(name))] = code
            for short in entry.get("abbr") or []:
                abbr[str(short)] = code
    eea = frozenset(str(c) for c in _require(doc, "eea", LList))
    providers: list[Provider] = []
    provider_names: dict[str, str] = {}
    entries = _require(providers_doc, "providers", LList)
    for i, entry in enumerate(entries):
        if not isinstance(entry, LDict):
            raise VocabularyError(f"{entries.where(i)}: expected a mapping")
        pid = str(_require(entry, "id", str))
        regions = entry.get("regions") or LDict()
        patterns: list[tuple[re.Pattern[str], str]] = []
        for source, code in (entry.get("region_patterns") or {}).items():
            try:
                patterns.append((re.compile(fold_pattern(source), re.IGNORECASE), str(code)))
            except re.error as exc:
                raise VocabularyError(
                    f"{entry.where('region_patterns')}: invalid region pattern {source!r} "
                    f"({exc.msg})"
                ) from exc
        provider = Provider(
            id=pid,
            names=tuple(str(n) for n in _require(entry, "names", LList)),
            country=str(_require(entry, "country", str)),
            regions={fold_name(str(k)): str(v) for k, v in regions.items()},
            region_patterns=tuple(patterns),
        )
        for name in provider.names:
            provider_names[fold_name(name)] = pid
        providers.append(provider)
    region_names = [name for p in providers for name in p.regions]
    region_source = _alternation(region_names)
    region_source = "|".join(
        [f"(?:{region_source})"]
        + [f"(?:{rx.pattern})" for p in providers for rx, _ in p.region_patterns]
    )
    return Places(
        names=names,
        name_rx=re.compile(rf"\b(?:{_alternation(names)})\b"),
        abbr=abbr,
        abbr_rx=re.compile(rf"(?<![\w.])(?:{_alternation(abbr)})(?![\w])"),
        eea=eea,
        country_codes=frozenset(codes),
        providers=tuple(providers),
        provider_names=provider_names,
        provider_rx=re.compile(rf"\b(?:{_alternation(provider_names)})\b"),
        region_rx=re.compile(rf"\b(?:{region_source})\b", re.IGNORECASE),
        region_source=region_source,
    )


def _macros(doc: LDict, numbers: dict[str, int], places: Places) -> dict[str, str]:
    declared = _require(doc, "macros", LDict)
    macros = {str(k): fold_pattern(str(v)) for k, v in declared.items()}
    generated = {
        "AGE": r"(?:\d{1,2}|" + _alternation(numbers) + ")",
        "COUNTRY": "(?:"
        + _alternation(n for n, c in places.names.items() if c in places.country_codes)
        + ")",
        "PROVIDER": "(?:" + _alternation(places.provider_names) + ")",
        "REGION": "(?:" + places.region_source + ")",
    }
    for name in generated:
        if name in macros:
            raise VocabularyError(f"{declared.where(name)}: macro {name} is built in")
    macros.update(generated)
    return macros


def _signals(doc: LDict, compiler: _Compiler) -> dict[str, SignalSpec]:
    specs: dict[str, SignalSpec] = {}
    table = _require(doc, "signals", LDict)
    for name, body in table.items():
        where = table.where(name)
        if not isinstance(body, LDict):
            raise VocabularyError(f"{where}: signal {name!r} needs a mapping")
        known = {
            "patterns",
            "exclude",
            "guards",
            "negatable",
            "value",
            "value_required",
            "on_denied",
            "internal",
            "combine",
        }
        for key in body:
            if key not in known:
                raise VocabularyError(f"{body.where(key)}: unknown key {key!r} in {name}")
        guards = tuple(str(g) for g in body.get("guards") or [])
        for guard in guards:
            if guard not in _GUARDS:
                raise VocabularyError(f"{body.where('guards')}: unknown guard {guard!r}")
        value = body.get("value")
        if value is not None and value not in _VALUE_EXTRACTORS:
            raise VocabularyError(f"{body.where('value')}: unknown value extractor {value!r}")
        patterns = tuple(
            _pattern(p, compiler, body["patterns"].where(i), name)
            for i, p in enumerate(body.get("patterns") or LList())
        )
        on_denied = []
        for i, item in enumerate(body.get("on_denied") or LList()):
            if not isinstance(item, LDict) or "affirm" not in item:
                raise VocabularyError(f"{body['on_denied'].where(i)}: needs 'affirm: <signal>'")
            on_denied.append((str(item["affirm"]), item.get("value")))
        specs[name] = SignalSpec(
            name=name,
            patterns=patterns,
            exclude=compiler.rx_list(body.get("exclude") or _empty(body), body.where("exclude")),
            guards=guards,
            negatable=bool(body.get("negatable", True)),
            value=value,
            value_required=bool(body.get("value_required", False)),
            on_denied=tuple(on_denied),
            internal=bool(body.get("internal", False)),
            combine=tuple(str(s) for s in body.get("combine") or []),
        )
    for name, spec in specs.items():
        for target, _ in spec.on_denied:
            if target not in specs:
                raise VocabularyError(f"{table.where(name)}: on_denied names unknown {target!r}")
        for part in spec.combine:
            if part not in specs:
                raise VocabularyError(f"{table.where(name)}: combine names unknown {part!r}")
    return specs


def _empty(parent: LDict) -> LList:
    items = LList()
    items.file, items.line, items.item_lines = parent.file, parent.line, []
    return items


def _pattern(body: Any, compiler: _Compiler, where: str, signal: str) -> PatternSpec:
    if not isinstance(body, LDict):
        raise VocabularyError(f"{where}: a pattern of {signal} must be a mapping with 're'")
    known = {
        "id",
        "re",
        "lang",
        "also",
        "near",
        "in_heading",
        "intro",
        "exclude",
        "polarity",
        "value_required",
        "at_start",
        "in_table",
    }
    for key in body:
        if key not in known:
            raise VocabularyError(f"{body.where(key)}: unknown key {key!r} in a pattern")
    polarity = str(body.get("polarity", "affirm"))
    if polarity not in ("affirm", "deny", "affirm_only"):
        raise VocabularyError(
            f"{body.where('polarity')}: polarity is 'affirm', 'deny' or 'affirm_only'"
        )
    lang = body.get("lang")
    if lang not in (None, "fr", "en"):
        raise VocabularyError(f"{body.where('lang')}: lang is 'fr' or 'en'")
    near = body.get("near", 0)
    if not isinstance(near, int) or near < 0:
        raise VocabularyError(f"{body.where('near')}: near is a number of sentences")
    intro = body.get("intro")
    return PatternSpec(
        id=str(body.get("id", "?")),
        rx=compiler.rx(body.get("re"), body.where("re") if "re" in body else where),
        lang=lang,
        also=compiler.rx_list(body.get("also") or _empty(body), body.where("also")),
        near=near,
        in_heading=bool(body.get("in_heading", False)),
        intro=compiler.rx(intro, body.where("intro")) if intro is not None else None,
        exclude=compiler.rx_list(body.get("exclude") or _empty(body), body.where("exclude")),
        polarity=polarity,
        value_required=bool(body.get("value_required", False)),
        at_start=bool(body.get("at_start", False)),
        in_table=bool(body.get("in_table", False)),
    )


def _cues(doc: LDict, compiler: _Compiler) -> Cues:
    negation = []
    items = _require(doc, "negation", LList)
    for i, item in enumerate(items):
        if not isinstance(item, LDict):
            raise VocabularyError(f"{items.where(i)}: a negation cue is a mapping with 're'")
        max_words = item.get("max_words")
        negation.append(
            NegationCue(
                compiler.rx(item.get("re"), items.where(i)),
                int(max_words) if max_words is not None else None,
            )
        )
    guards_doc = _require(doc, "guards", LDict)
    guards = {str(k): compiler.rx_list(v, guards_doc.where(k)) for k, v in guards_doc.items()}
    for name in _GUARDS - set(guards):
        raise VocabularyError(f"{guards_doc.where()}: guard {name!r} is not defined")
    return Cues(
        negation=tuple(negation),
        post_negation=compiler.rx_list(
            _require(doc, "post_negation", LList), doc.where("post_negation")
        ),
        negation_exceptions=compiler.rx_list(
            _require(doc, "negation_exceptions", LList), doc.where("negation_exceptions")
        ),
        clause_boundary=compiler.union(
            _require(doc, "clause_boundaries", LList), doc.where("clause_boundaries")
        ),
        condition=compiler.union(_require(doc, "conditions", LList), doc.where("conditions")),
        scope=compiler.rx_list(_require(doc, "scope", LList), doc.where("scope")),
        guards=guards,
        abbreviations=frozenset(str(a).lower() for a in _require(doc, "abbreviations", LList)),
    )


def _ages(doc: LDict, compiler: _Compiler, numbers: dict[str, int]) -> AgeVocab:
    def one(key: str) -> Rx:
        return compiler.rx(_require(doc, key, str), doc.where(key))

    return AgeVocab(
        lower=compiler.rx_list(_require(doc, "lower_bound", LList), doc.where("lower_bound")),
        upper=compiler.rx_list(_require(doc, "upper_bound", LList), doc.where("upper_bound")),
        full_age=compiler.rx_list(_require(doc, "full_age", LList), doc.where("full_age")),
        usage=one("usage"),
        prohibit=one("prohibit"),
        coppa=one("coppa"),
        use_prohibit=one("use_prohibit"),
        table_cue=one("table_cue"),
        default_row=one("default_row"),
        parental=compiler.rx("{PARENTAL}", doc.where()),
        number=compiler.rx(r"\b{AGE}\b", doc.where()),
        words=numbers,
    )


def _art28(doc: LDict, compiler: _Compiler) -> Art28Vocab:
    gate = _require(doc, "gate", LDict)
    letters_doc = _require(doc, "letters", LDict)
    letters: dict[str, Letter] = {}
    for letter in "abcdefgh":
        body = _require(letters_doc, letter, LDict)
        under = body.get("under_heading")
        if under is not None and not isinstance(under, LDict):
            raise VocabularyError(f"{body.where('under_heading')}: expected a mapping")
        letters[letter] = Letter(
            letter=letter,
            name_fr=str(_require(body, "fr", str)),
            name_en=str(_require(body, "en", str)),
            patterns=compiler.rx_list(_require(body, "patterns", LList), body.where("patterns")),
            heading=compiler.rx(_require(under, "heading", str), under.where("heading"))
            if under is not None
            else None,
            heading_patterns=compiler.rx_list(
                _require(under, "patterns", LList), under.where("patterns")
            )
            if under
            else (),
        )
    extra = set(letters_doc) - set("abcdefgh")
    if extra:
        raise VocabularyError(f"{letters_doc.where()}: unknown letters {sorted(extra)}")

    def gate_rx(key: str) -> Rx:
        return compiler.rx(_require(gate, key, str), gate.where(key))

    return Art28Vocab(gate_rx("title"), gate_rx("self_reference"), gate_rx("heading"), letters)


def check_all(folder: Path | None = None) -> list[str]:
    """Load every vocabulary file and return the list of files checked (raises on error)."""
    vocab = build_vocabulary(folder or vocabulary_dir())
    return list(vocab.files)
