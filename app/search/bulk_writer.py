"""Whoosh's segment writer for a whole generation at once: postings kept per term in memory.

Whoosh's SegmentWriter puts every posting into one pool of tuples (spilled to files and merged back
once it passes its memory limit), sorts them, and while writing reads each posting's field length
back from the length column it has just written. A rebuild adds documents in document-number order,
so each term's postings arrive already sorted: kept per field and term in arrays, there is nothing to
spill, only the terms to sort, and the lengths are at hand. The segment written is the one Whoosh's
own writer writes, byte for byte (tests/search/test_rebuild.py compares the two). Only for a fresh
segment filled in one go; documents are never deleted or updated through it.
"""

from __future__ import annotations

from array import array
from collections import Counter
from struct import Struct

from whoosh.formats import Frequency
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

_UINT = Struct("!I")  # whoosh.system.pack_uint, as Frequency encodes a posting's frequency
_PACKED: dict[int, bytes] = {}  # frequency -> its encoding, shared by every posting with it


class _Postings:
    """One term's postings in one field, in document order: weights and values as Whoosh has them."""

    __slots__ = ("docnums", "values", "weights")

    def __init__(self) -> None:
        self.docnums = array("I")
        self.weights = array("f")
        self.values: list[bytes] = []

    def blocks(self):
        return self.docnums, self.weights, self.values


class _Counts:
    """One term's postings in a field of counted terms (Frequency): document numbers and frequencies."""

    __slots__ = ("docnums", "freqs")

    def __init__(self) -> None:
        self.docnums = array("I")
        self.freqs = array("I")

    def blocks(self):
        """As Frequency.word_values makes them: weight the frequency (as a float), value it packed."""
        packed = [_packed(freq) for freq in self.freqs]
        return self.docnums, array("f", self.freqs), packed


def _packed(freq: int) -> bytes:
    value = _PACKED.get(freq)
    if value is None:
        value = _PACKED[freq] = _UINT.pack(freq)
    return value


class BulkSegmentWriter(SegmentWriter):
    """A SegmentWriter that keeps postings per term in memory; add_document, then _finalize_segment()."""

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        self._postings: dict[str, dict[bytes, _Postings]] = {}
        self._lengths: dict[str, dict[int, int]] = {}  # scorable field -> docnum -> length as read back
        self._spelling: set[str] = set()  # fields of spelling words (weights 1, all under document 0)
        # Fields whose analyzer gives its terms at once (app.search.compounds, app.search.analysis):
        # their postings are counted straight from the terms, as Frequency.word_values counts tokens.
        self._direct = {
            name: field.analyzer.terms
            for name, field in self.schema.items()
            if type(field.format) is Frequency
            and field.format.field_boost == 1.0
            and field.scorable
            and callable(getattr(field.analyzer, "terms", None))
        }
        for name, field in self.schema.items():
            if field.vector:
                raise ValueError(f"{name}: term vectors are not written by this writer")

    def add_document(self, **fields) -> None:
        """As SegmentWriter.add_document (same postings, lengths, stored fields and columns); no boosts."""
        self._check_state()
        if any((name.startswith("_") and name.endswith("_boost")) or name == "_boost" for name in fields):
            raise NotImplementedError("BulkSegmentWriter writes no boosts")
        perdocwriter, schema, docnum = self.perdocwriter, self.schema, self.docnum
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        vbytes = None  # as in SegmentWriter: a spelling posting carries the last posting's value
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    table = self._postings.setdefault(fieldname, {})
                    direct = self._direct.get(fieldname)
                    if direct is not None and isinstance(value, str):
                        length, vbytes = _add_counts(table, docnum, direct(value), vbytes)
                    else:
                        scorable = field.scorable
                        for tbytes, freq, weight, vbytes in field.index(value):
                            if scorable:
                                length += freq
                            postings = table.get(tbytes)
                            if postings is None:
                                postings = table[tbytes] = _Postings()
                            postings.docnums.append(docnum)
                            postings.weights.append(weight)
                            postings.values.append(vbytes)
                if field.separate_spelling():
                    spellfield = field.spelling_fieldname(fieldname)
                    self._spelling.add(spellfield)
                    table = self._postings.setdefault(spellfield, {})
                    for word in self._spellable(fieldname, field, value):
                        postings = table.get(word)
                        if postings is None:
                            postings = table[word] = _Postings()
                        postings.docnums.append(0)  # SegmentWriter files spelling words under document 0
                        postings.weights.append(1)
                        postings.values.append(vbytes)
                stored = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
                if length:
                    lengthbyte = length_to_byte(length)
                    if lengthbyte:
                        self._lengths.setdefault(fieldname, {})[docnum] = byte_to_length(lengthbyte)
                column = field.column_type
                if column and stored is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(stored))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _spellable(self, fieldname: str, field, value) -> list[bytes]:
        direct = self._direct.get(fieldname)
        if direct is not None and isinstance(value, str):
            words = direct(value, no_morph=True)
        else:
            words = field.spellable_words(value)
        return [word.encode("utf-8") for word in sorted(set(words))]

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fieldwriter = self.fieldwriter
        for fieldname in sorted(self._postings):
            terms = self._postings[fieldname]
            lengths = self._lengths.get(fieldname, {})
            spelling = fieldname in self._spelling
            fieldwriter.start_field(fieldname, self.schema[fieldname])
            for tbytes in sorted(terms):
                postings = terms[tbytes]
                if spelling:  # the pool sorted these postings whole: by their values, all else being equal
                    postings.values.sort()
                fieldwriter.start_term(tbytes)
                _write_term(fieldwriter._postwriter, postings, lengths, integral=spelling)
                fieldwriter.finish_term()
            fieldwriter.finish_field()
        self._postings.clear()
        fieldwriter.close()


def _add_counts(table: dict, docnum: int, terms, vbytes):
    """A document's counted terms into the field's table; returns the field's length and the last
    posting's value (what Frequency.word_values and SegmentWriter.add_document would leave)."""
    counts = Counter(terms)  # first-seen order, as Frequency.word_values
    for term, freq in counts.items():
        tbytes = term.encode("utf-8")
        postings = table.get(tbytes)
        if postings is None:
            postings = table[tbytes] = _Counts()
        postings.docnums.append(docnum)
        postings.freqs.append(freq)
        vbytes = freq
    if counts:
        vbytes = _packed(vbytes)
    return sum(counts.values()), vbytes


def _write_term(postwriter, postings: _Postings, lengths: dict[int, int], *, integral: bool = False) -> None:
    """One term's postings as W3PostingsWriter.add_posting writes them, a block at a time.

    A full block is written when the next posting arrives, so the last block (full or not) is left
    for finish_postings() to write. `integral`: the weights were the integer 1 (spelling words), and
    the block's header keeps the largest as Python had it.
    """
    limit = postwriter._blocklimit
    docnums, weights, values = postings.blocks()
    count = len(docnums)
    for start in range(0, count, limit):
        end = min(start + limit, count)
        postwriter._ids = docnums[start:end]
        postwriter._weights = block_weights = weights[start:end]
        postwriter._values = [value for value in values[start:end] if value]
        heaviest = max(0, max(block_weights))
        postwriter._maxweight = int(heaviest) if integral else heaviest
        found = [length for length in map(lengths.get, docnums[start:end]) if length]
        postwriter._minlength = min(found) if found else None
        postwriter._maxlength = max(found) if found else 0
        if end < count:
            postwriter._write_block()
