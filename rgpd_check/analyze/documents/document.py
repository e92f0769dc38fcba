"""One document being read: original text, folded text, sentences and lookups between them."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from rgpd_check.analyze.documents.normalize import Folded, fold
from rgpd_check.analyze.documents.prefilter import LiteralIndex, scan_text
from rgpd_check.analyze.documents.segment import Sentence, segment
from rgpd_check.analyze.documents.vocabulary import Vocabulary


@dataclass
class Document:
    """Everything the matchers need about the text, computed once."""

    text: str
    folded: Folded
    sentences: list[Sentence]
    lang: str | None
    vocab: Vocabulary
    fstarts: list[int] = field(default_factory=list)
    fends: list[int] = field(default_factory=list)
    literals: LiteralIndex = field(default_factory=lambda: LiteralIndex(""))  # see prefilter

    @classmethod
    def build(cls, text: str, lang: str | None, vocab: Vocabulary) -> Document:
        """Fold and segment ``text``."""
        folded = fold(text)
        sentences = segment(text, vocab.cues.abbreviations)
        doc = cls(text, folded, sentences, lang, vocab)
        doc.fstarts = [folded.to_folded[s.start] for s in sentences]
        doc.fends = [folded.to_folded[s.end] for s in sentences]
        doc.literals = LiteralIndex(scan_text(folded.folded))
        return doc

    def ftext(self, index: int) -> str:
        """Folded text of one sentence."""
        return self.folded.folded[self.fstarts[index] : self.fends[index]]

    def otext(self, index: int) -> str:
        """Original text of one sentence."""
        sentence = self.sentences[index]
        return self.text[sentence.start : sentence.end]

    def window(self, index: int, before: int, after: int) -> str:
        """Folded text of the sentences around ``index`` (same section or not)."""
        first = max(0, index - before)
        last = min(len(self.sentences) - 1, index + after)
        return " \n ".join(self.ftext(i) for i in range(first, last + 1))

    def heading_text(self, index: int) -> str:
        """Folded text of the heading governing a sentence ('' at the top)."""
        heading = self.sentences[index].heading
        return self.ftext(heading) if heading is not None else ""

    def sentence_at(self, fpos: int) -> int | None:
        """Index of the sentence containing folded position ``fpos``."""
        i = bisect_right(self.fstarts, fpos) - 1
        if i >= 0 and fpos < self.fends[i]:
            return i
        return None

    def table_header_text(self, index: int) -> str:
        """Folded header row of the table a row belongs to ('' outside tables)."""
        if not self.sentences[index].is_table_row:
            return ""
        i = index
        while i >= 0 and self.sentences[i].is_table_row and index - i <= 200:
            if self.sentences[i].is_table_header:
                return self.ftext(i)
            i -= 1
        return ""

    def intro_text(self, index: int) -> str:
        """Folded text of the sentence introducing the list or table a sentence belongs to.

        Walks back over list items and table rows to the first other sentence, which counts
        only if it ends with a colon ("The sub-processors are:").
        """
        sentence = self.sentences[index]
        if not (sentence.is_item or sentence.is_table_row):
            return ""
        i = index - 1
        while i >= 0 and index - i <= 60:
            previous = self.sentences[i]
            if previous.is_item or previous.is_table_row:
                i -= 1
                continue
            return self.ftext(i) if previous.ends_with_colon or previous.is_heading else ""
        return ""
