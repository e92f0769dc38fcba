"""Places named in a sentence (countries, cities, cloud regions) as ISO codes.

A company address is not where data are stored: a place right after "head office", "siège
social" or a postcode is ignored. Cloud region names are ambiguous across providers
("eu-west-2" is London at AWS, France at Outscale), so the provider named nearby decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rgpd_check.analyze.documents.document import Document
from rgpd_check.analyze.documents.vocabulary import Places

_ADDRESS_CUE = re.compile(
    r"(head ?office|headquarter\w*|registered (office|address)|principal place of business|"
    r"siege( social)?|dont le siege|having its|whose registered|\bsis\b|\bsise\b|\baddress|"
    r"\badresse|domicili\w*|\bat \d|\bau \d|\b\d{5}\b|\b\d{4} ?[a-z]{2},|\bbp \d|\bcedex\b|"
    r"\bsuite \d|"
    r"\b(rue|avenue|boulevard|bd|street|road|quai|place|allee|chemin|straat|strasse|weg)\b)"
    r"[^.;|]{0,70}$"
)


@dataclass(frozen=True)
class PlaceHit:
    """One place named in the text."""

    code: str
    fstart: int  # folded offset in the document
    via: str  # "name", "abbr" or "region"


_NOT_HERE = re.compile(
    r"\b(outside|beyond|out of|other than|hors|en dehors|autres? que|except|sauf|from|depuis)"
    r"( of| de| d.)?( the| l.| la| le| du)?\s?$"
)


def _is_address(before: str) -> bool:
    return bool(_ADDRESS_CUE.search(before[-90:]))


def _is_excluded(before: str) -> bool:
    """ "outside the EEA" says where data are not."""
    return bool(_NOT_HERE.search(before[-30:]))


def find_places(
    doc: Document, index: int, *, skip_addresses: bool = True, regions: bool = True
) -> list[PlaceHit]:
    """Places named in one sentence, in order."""
    places = doc.vocab.places
    sentence = doc.ftext(index)
    base = doc.fstarts[index]
    hits: list[PlaceHit] = []
    for match in places.name_rx.finditer(sentence):
        if skip_addresses and (
            _is_address(sentence[: match.start()]) or _is_excluded(sentence[: match.start()])
        ):
            continue
        hits.append(PlaceHit(places.names[match.group()], base + match.start(), "name"))
    original = doc.otext(index)
    o_start = doc.sentences[index].start
    for match in places.abbr_rx.finditer(original):
        fpos = doc.folded.to_folded[o_start + match.start()]
        before = doc.folded.folded[base:fpos]
        if skip_addresses and (_is_address(before) or _is_excluded(before)):
            continue
        hits.append(PlaceHit(places.abbr[match.group()], fpos, "abbr"))
    if regions:
        for match in places.region_rx.finditer(sentence):
            code = region_code(doc, index, match.group(), places)
            if code:
                hits.append(PlaceHit(code, base + match.start(), "region"))
    hits.sort(key=lambda h: h.fstart)
    return hits


def region_code(doc: Document, index: int, name: str, places: Places) -> str | None:
    """ISO code of a cloud region name, using the provider named nearby if any."""
    key = name.lower()
    nearby = doc.window(index, 2, 1)
    mentioned = {places.provider_names[m.group()] for m in places.provider_rx.finditer(nearby)}
    candidates: list[tuple[str, str]] = []
    for provider in places.providers:
        code = provider.regions.get(key)
        if code is None:
            for regex, pattern_code in provider.region_patterns:
                if regex.fullmatch(key):
                    code = pattern_code
                    break
        if code is not None:
            candidates.append((provider.id, code))
    if not candidates:
        return None
    for provider_id, code in candidates:
        if provider_id in mentioned:
            return code
    return candidates[0][1]


def codes(hits: list[PlaceHit], eea: frozenset[str]) -> list[str]:
    """Distinct ISO codes in order; the bare 'EU' is dropped when an EEA country is named."""
    seen: list[str] = []
    for hit in hits:
        if hit.code not in seen:
            seen.append(hit.code)
    if "EU" in seen and any(c in eea and c != "EU" for c in seen):
        seen.remove("EU")
    return seen
