"""Values attached to a signal: who the controller is, which host, which e-mail, how long.

Values are read from the sentence that carries the signal and its close neighbours only, so
each value stays explainable by the quote shown next to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rgpd_check.analyze.documents.document import Document
from rgpd_check.analyze.documents.places import codes, find_places

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+")
_FORMS = (
    r"S\.?A\.?S\.?U?\b|SAS\b|SARL\b|S\.A\.(?!\w)|SA\b|Inc\.?|Ltd\.?|Limited\b|LLC\b|L\.L\.C\."
    r"|B\.V\.|BV\b|GmbH\b|AG\b|PLC\b|plc\b|SE\b|S\.L\.|S\.r\.l\.|Corporation\b|Corp\.?|Oy\b"
    r"|Unlimited Company\b|DAC\b"
    r"|AB\b|N\.V\.|NV\b|SASU\b"
)
_WORD = r"[A-Z0-9][\w&'’.-]*"
_LEGAL = re.compile(rf"(?P<name>{_WORD}(?:[ \t]+(?:{_WORD}|&))*?)[ \t]*,?[ \t]+(?P<form>{_FORMS})")
_BY_NAME = re.compile(
    r"\b(?:by|par|company|société|la société|l’entreprise|l'entreprise|chez)\s+"
    r"(?:the company\s+|la société\s+)?(?P<name>[A-Z][\w&'’.-]+(?:\s+[A-Z][\w&'’.-]+){0,3})"
)
_IS_COMPANY = re.compile(
    r"^\W*(?P<name>[A-Z][\w&'’.-]+(?:\s+[A-Z][\w&'’.-]+){0,3}),?\s+(?:est une (?:société|"
    r"entreprise|association)|is an? (?:company|corporation|limited|private|public|"
    r"independent))"
)
_ROLE_PAREN = re.compile(
    r"(?P<name>[A-Z][\w&'’.-]+(?:\s+[A-Z][\w&'’.-]+){0,2}),?\s*\((?:the |le |la )?"
    r"(?:data )?(?:controller|responsable)"
)
_FIRST_NAME = re.compile(r"(?P<name>[A-Z][\w&'’.-]+(?:\s+[A-Z][\w&'’.-]+){0,3})")
_FR_POSTCODE = re.compile(r"\b\d{5}\s+[A-ZÉ][A-Za-zÉéèê'-]+")
_US_ZIP = re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b")
_NOT_NAMES = frozenset(
    {
        "The",
        "This",
        "These",
        "We",
        "Our",
        "You",
        "Your",
        "Le",
        "La",
        "Les",
        "Nous",
        "Vous",
        "Data",
        "Personal",
        "Client",
        "Customer",
        "Controller",
        "Processor",
        "If",
        "In",
        "For",
        "Pour",
        "Dans",
        "Si",
        "Each",
        "All",
        "Any",
        "To",
        "A",
        "An",
        "It",
        "Its",
        "Their",
    }
)
_DURATION = re.compile(
    r"\b(?:\d+|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|treize|one|two|"
    r"three|four|five|six|seven|eight|nine|ten|twelve|thirteen|eighteen|twenty|thirty)\s?"
    r"(?:\(\d+\)\s)?(?:calendar |business |working )?(?:days?|months?|years?|hours?|weeks?|"
    r"jours?|mois|ans|annees|heures|semaines)\b"
    r"|\bas long as (?:necessary|needed|required|it is necessary|your account|you|the)\w*"
    r"|\b(?:for )?no longer than (?:necessary|needed|is necessary)"
    r"|\baussi longtemps que\b[^.,;]{0,30}|\ble temps (?:necessaire|de)\b[^.,;]{0,30}"
    r"|\btant que\b[^.,;]{0,30}"
    r"|\b(?:duration|term) of the (?:contractual relationship|contract|agreement|subscription)"
    r"|\bduree de la relation (?:contractuelle|commerciale)"
)


def _in_address(text: str, start: int, end: int) -> bool:
    """True when [start, end) is part of a URL or an e-mail address."""
    left = text.rfind(" ", 0, start) + 1
    right = text.find(" ", end)
    token = text[left : right if right != -1 else len(text)]
    return (
        "@" in token
        or "/" in token
        or token.startswith("www.")
        or bool(re.search(r"\.(com|fr|org|net|io|eu|co)\b", token))
    )


def _window(doc: Document, index: int, before: int, after: int) -> list[int]:
    order = [index]
    for step in range(1, max(before, after) + 1):
        if step <= after and index + step < len(doc.sentences):
            order.append(index + step)
        if step <= before and index - step >= 0:
            order.append(index - step)
    return order


def _email(doc: Document, indexes: list[int]) -> str | None:
    for i in indexes:
        match = _EMAIL.search(doc.otext(i))
        if match:
            return match.group().rstrip(".")
    return None


def _url(doc: Document, indexes: list[int]) -> str | None:
    for i in indexes:
        match = _URL.search(doc.otext(i))
        if match:
            return match.group().rstrip(".,;")
    return None


def _legal_names(text: str) -> list[str]:
    names = []
    for match in _LEGAL.finditer(text):
        words = match.group("name").split()
        while words and words[0] in _NOT_NAMES:
            words.pop(0)
        if words:
            names.append(" ".join(words[-4:]) + " " + match.group("form"))
    return names


def _country(doc: Document, indexes: list[int]) -> str | None:
    for i in indexes:
        for hit in find_places(doc, i, skip_addresses=False, regions=False):
            if hit.code != "EU":
                return hit.code
        original = doc.otext(i)
        if _US_ZIP.search(original):
            return "US"
        if _FR_POSTCODE.search(original):
            return "FR"
    return None


def controller(doc: Document, index: int, start: int, end: int) -> Any:
    """{name, country, contact} of the publisher or controller."""
    indexes = _window(doc, index, 1, 2)
    name = None
    for i in indexes:
        original = doc.otext(i)
        legal = _legal_names(original)
        if legal:
            name = legal[0]
            break
        for regex in (_BY_NAME, _IS_COMPANY, _ROLE_PAREN):
            match = regex.search(original)
            if match and match.group("name").split()[0] not in _NOT_NAMES:
                name = match.group("name")
                break
        if name:
            break
    if name is None and index + 1 < len(doc.sentences):
        match = _FIRST_NAME.search(doc.otext(index + 1))
        if match and match.group("name").split()[0] not in _NOT_NAMES:
            name = match.group("name")
    return {
        "name": name,
        "country": _country(doc, indexes),
        "contact": _email(doc, _window(doc, index, 2, 3)),
    }


def host(doc: Document, index: int, start: int, end: int) -> Any:
    """{name, country, address} of a hosting provider; None when no provider is named."""
    places = doc.vocab.places
    sentence = doc.ftext(index)
    base = doc.fstarts[index]
    trigger = start - base
    m_start, m_end = start - base, end - base
    first_cell = sentence.find(" | ") if doc.sentences[index].is_table_row else -1

    def near(s: int, e: int) -> bool:
        if 0 <= first_cell and e <= first_cell:
            return True  # a table row is about the company in its first cell
        return (
            m_start - 80 <= s
            and e <= m_end + 60
            and " | " not in sentence[min(e, m_end) : max(s, m_start)]
        )

    found = [
        (m.start(), m.end())
        for m in places.provider_rx.finditer(sentence)
        if not _in_address(sentence, m.start(), m.end()) and near(m.start(), m.end())
    ]
    chosen: tuple[int, int] | None = None
    after = [span for span in found if span[0] >= trigger]
    for span in reversed(after):
        before = sentence[max(0, span[0] - 12) : span[0]]
        following = sentence[span[1] : span[1] + 3]
        if re.search(
            r"\b(by|par|chez|with|on|sur|in|use|dans|de|d'|aupres)\s*$", before
        ) or following.startswith("'s"):
            chosen = span
            break
    if chosen is None and after:
        chosen = after[0]
    if chosen is None and found:
        chosen = found[0]
    original = doc.otext(index)
    o_base = doc.sentences[index].start
    if chosen is not None:
        o_start, o_end = doc.folded.original_span(base + chosen[0], base + chosen[1])
        name = doc.text[o_start:o_end]
        rest = doc.text[o_end : doc.sentences[index].end]
    else:
        if not re.search(r"host|heberg", doc.folded.folded[start:end]):
            return None  # "stored on Acme Corp's servers" may be the group itself, not a host
        o_trigger = doc.folded.original_span(start, end)[0] - o_base
        legal = _legal_names(original[o_trigger:])
        label = re.search(
            r"(?:host|hébergeur|hebergeur|hébergement|hosting)\s*:\s*"
            r"(?P<name>[A-Z][\w&'’.-]+(?:\s+[A-Z0-9][\w&'’.-]+){0,3})",
            original,
        )
        if legal:
            name = legal[0]
        elif label:
            name = label.group("name")
        else:
            return None
        rest = original[original.find(name) + len(name) :]
    address_match = re.search(r"\d[^.;|]{4,120}", rest)
    address = address_match.group().strip(" ,") if address_match else None
    country = None
    for hit in find_places(doc, index, skip_addresses=False, regions=False):
        if hit.code != "EU":
            country = hit.code
            break
    if country is None and address and _FR_POSTCODE.search(address):
        country = "FR"
    return {"name": name.strip(), "country": country, "address": address}


def contact(doc: Document, index: int, start: int, end: int) -> Any:
    """The e-mail address near a DPO mention, else a URL (None when only a postal address)."""
    email = _email(doc, _window(doc, index, 2, 2))
    return email or _url(doc, _window(doc, index, 0, 1))


def subprocessors(doc: Document, index: int, start: int, end: int) -> Any:
    """{names, countries, url} of the sub-processors a sentence names or points to."""
    places = doc.vocab.places
    o_from = doc.folded.original_span(start, end)[0] - doc.sentences[index].start
    original = doc.otext(index)[max(0, o_from) :]
    if doc.sentences[index].is_table_row:  # a row names its sub-processor in the first cell
        original = original.split(" | ")[0]
    names = _legal_names(original)
    sentence = doc.ftext(index)
    base = doc.fstarts[index]
    limit = base + len(sentence)
    if doc.sentences[index].is_table_row:
        cell_end = sentence.find(" | ", start - base)
        limit = base + cell_end if cell_end != -1 else limit
    for match in places.provider_rx.finditer(sentence, start - base, limit - base):
        if _in_address(sentence, match.start(), match.end()):
            continue
        o_start, o_end = doc.folded.original_span(base + match.start(), base + match.end())
        name = doc.text[o_start:o_end]
        if not any(name.lower() in known.lower() for known in names):
            names.append(name)
    countries = [
        c
        for c in codes(find_places(doc, index, skip_addresses=False, regions=False), places.eea)
        if c != "EU"
    ]
    url = _url(doc, [index])
    if not names and not url:
        return {"names": [], "countries": countries, "url": None}
    return {"names": names, "countries": countries, "url": url}


def places_value(doc: Document, index: int, start: int, end: int) -> Any:
    """ISO codes of the places a storage statement names after its verb, in its clause."""
    base = doc.fstarts[index]
    boundary = doc.vocab.cues.clause_boundary.regex.search(doc.ftext(index), end - base)
    limit = base + boundary.start() if boundary else doc.fends[index]
    if doc.sentences[index].is_table_row:
        limit = doc.fends[index]  # the cells of a row describe one record
    hits = [
        hit
        for hit in find_places(doc, index)
        if (hit.fstart >= end or (hit.via == "region" and hit.fstart >= start))
        and hit.fstart < limit
    ]
    found = codes(hits, doc.vocab.places.eea)
    return found or None


def retention(doc: Document, index: int, start: int, end: int) -> Any:
    """The periods a retention statement gives, as written."""
    sentence = doc.ftext(index)
    base = doc.fstarts[index]
    phrases: list[str] = []
    for match in _DURATION.finditer(sentence):
        o_start, o_end = doc.folded.original_span(base + match.start(), base + match.end())
        phrase = doc.text[o_start:o_end].strip()
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    if phrases:
        return " ; ".join(phrases[:4])
    text = doc.otext(index).strip()
    return text if len(text) <= 160 else text[:157].rstrip() + "..."


def no_ads(doc: Document, index: int, start: int, end: int) -> Any:
    """An explicit "no ads at all" commitment."""
    return "all"


EXTRACTORS: dict[str, Callable[[Document, int, int, int], Any]] = {
    "controller": controller,
    "host": host,
    "contact": contact,
    "subprocessors": subprocessors,
    "places": places_value,
    "retention": retention,
    "no_ads": no_ads,
}


def has_value(value: Any) -> bool:
    """A value good enough for a signal that requires one."""
    if value is None:
        return False
    if isinstance(value, dict):
        if "names" in value:
            return bool(value["names"])
        return any(v is not None for v in value.values())
    if isinstance(value, list | str):
        return bool(value)
    return True
