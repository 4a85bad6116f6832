"""Persian words typed joined, split or with a ZWNJ: the forms a document holds and a query asks for.

Residents write one compound three ways: اطلاع‌رسانی (ZWNJ), اطلاع رسانی (space), اطلاعرسانی (joined, the
ZWNJ left out), and the same for the affixes they attach (می‌رود/میرود, پیاده‌رو/پیادهرو). The stemmer
folds the affixes it knows (analysis.persian_stem). Beyond that, a document also holds the stem of each
pair it writes as one word (with a ZWNJ, or an affix and its word) joined, and a query word may be
found as itself or joined with its neighbour; a joined query word the index barely knows is also
looked for as the two words it splits into (the caller says which, from the index's words).

Plain functions (text in, terms out), so that any index can use them: index_terms() is what a
document holds, term_groups() what a query asks for — every group must match, by any of its terms.
IndexAnalyzer wraps index_terms() for Whoosh fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import NamedTuple

from whoosh.analysis import Analyzer, Token

from app.search.analysis import STOPWORDS, ZWNJ, folded_words, is_persian, stem_word, verb_without_prefix

ANALYSIS_VERSION = 2  # raise when index_terms() changes: an index built by another version is rebuilt
_GLUE = frozenset({" ", ZWNJ})  # what may stand between two words that could be one
PLURAL_AFTER_HEH = "های"  # خانهای is خانه‌ای or خان‌های: the ه reading is kept beside the other
# Stopwords that are a word's own prefix or suffix when written against it (می رود, کتاب ها, پیاده رو):
# a pair is glued when both are words, or one is such an affix on its own side; never "در خیابان".
PREFIXES = frozenset({"می", "نمی"})
SUFFIXES = frozenset(
    {"ها", "های", "هایی", "ای", "ی", "تر", "ترین", "ام", "ات", "اش", "اند", "ایم", "اید", "مان", "تان", "شان"}
)
COMPOUND_ENDS = frozenset({"رو"})  # a stopword (colloquial را) that ends compounds too: پیاده‌رو, راه‌رو


class Word(NamedTuple):  # a tuple: indexing makes one per word of every post
    text: str  # folded, lower case
    joined_before: bool  # a ZWNJ joins it to the word before
    glued_before: bool  # only a space or a ZWNJ stands between it and the word before (both Persian)


@lru_cache(maxsize=64)  # a post's text is read for two fields (its words, and its words unstemmed)
def words(text: str) -> tuple[Word, ...]:
    """The folded words of a text, with how each meets the word before it."""
    folded, spans = folded_words(text)
    found: list[Word] = []
    end = None
    persian_before = False
    for word, start, stop in spans:
        persian = is_persian(word)
        if end is None or start - end != 1:
            found.append(Word(word, False, False))
        else:
            gap = folded[end]
            found.append(Word(word, gap == ZWNJ, gap in _GLUE and persian and persian_before))
        end, persian_before = stop, persian
    return tuple(found)


@lru_cache(maxsize=200_000)  # words repeat across posts: a rebuild asks for the same ones again and again
def _forms(word: str) -> tuple[str, ...]:
    """The word's own terms: its stem, and the readings of a joined affix (خانهای → خانه, میرود → رود)."""
    if word in STOPWORDS:
        return ()
    forms = [stem_word(word)]
    if not is_persian(word):
        return tuple(forms)
    if word.endswith(PLURAL_AFTER_HEH) and len(word) > 4 and word[-4] != "ه":
        forms.append(stem_word(word[:-2]))  # "ای" after a word ending in a silent ه
    verb = verb_without_prefix(word)
    if verb is not None:
        forms.append(stem_word(verb))  # میرود also as رود, the term of می‌رود
    return tuple(dict.fromkeys(forms))


def _joined(first: str, second: str) -> str:
    return stem_word(first + second)


def _gluable(first: str, second: str) -> bool:
    """Whether two neighbouring words may be one word written apart (or one word, two parts glued)."""
    if first in STOPWORDS:
        return first in PREFIXES and second not in STOPWORDS
    return second not in STOPWORDS or second in SUFFIXES or second in COMPOUND_ENDS


def _glued_pair(found: list[Word], i: int, *, written_apart: bool = True) -> str | None:
    """The stem of word i written together with word i + 1, when they may be one word.

    Without `written_apart`, only pairs that are one word whatever the spacing: written with a ZWNJ,
    or an affix and its word (what a document holds: every spaced pair would nearly double the index).
    """
    if i < 0 or i + 1 >= len(found) or not found[i + 1].glued_before:
        return None
    first, second = found[i].text, found[i + 1].text
    if not _gluable(first, second):
        return None
    if not written_apart and not found[i + 1].joined_before and first not in STOPWORDS and second not in STOPWORDS:
        return None
    joined = _joined(first, second)
    return None if joined in STOPWORDS else joined


def index_terms(text: str) -> list[str]:
    """The terms a document holds: the stems of its words, and the stem of each pair written as one."""
    found = words(text)
    terms: list[str] = []
    for i, word in enumerate(found):
        own = _forms(word.text)
        terms.extend(own)
        joined = _glued_pair(found, i, written_apart=False)
        if joined is not None and joined not in own and joined not in _forms(found[i + 1].text):
            terms.append(joined)
    return terms


def term_groups(text: str, split: Callable[[str], tuple[str, str] | None] | None = None) -> list[tuple[str, ...]]:
    """What a query asks for: one group of terms per word, each group to be matched by any of its terms.

    A word may be found as itself or written together with the word before or after it (اطلاع رسانی
    finds اطلاعرسانی and اطلاع‌رسانی). `split(word)`, when given, names the two words a joined query
    word may stand for (from what the index knows): اطلاعرسانی then also finds اطلاع رسانی, as two groups
    that its joined form answers as well.
    """
    found = words(text)
    groups: list[tuple[str, ...]] = []
    for i, word in enumerate(found):
        own = _forms(word.text)
        if not own:
            continue
        alternatives = [*own, *filter(None, (_glued_pair(found, i - 1), _glued_pair(found, i)))]
        parts = split(word.text) if split is not None and is_persian(word.text) else None
        if parts is None:
            groups.append(_unique(alternatives))
        else:
            groups.extend(_unique([*alternatives, *_forms(part)]) for part in parts)
    return list(dict.fromkeys(groups))


def _unique(terms: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(terms))


def query_words(text: str) -> list[str]:
    """Every term of a query's groups, each once (for marking matches in titles and snippets)."""
    return list(dict.fromkeys(term for group in term_groups(text) for term in group))


class IndexAnalyzer(Analyzer):
    """index_terms() as a Whoosh analyzer; with no_morph (the spelling field), the words unstemmed."""

    def __init__(self) -> None:
        self.version = ANALYSIS_VERSION  # on the instance: the index's pickled schema keeps the version it was built by

    def __call__(self, value: str, no_morph: bool = False, positions: bool = False, **kwargs) -> Iterator[Token]:  # type: ignore[override]
        terms = self.terms(value, no_morph=no_morph)
        token = Token(positions=positions, **kwargs)
        for position, term in enumerate(terms):
            token.text, token.stopped, token.boost = term, False, 1.0
            token.pos, token.startchar, token.endchar = position, 0, 0  # no whoosh highlighting reads them
            yield token

    def terms(self, value: str, no_morph: bool = False) -> list[str]:
        """The terms as text, without tokens (app.search.bulk_writer indexes from them)."""
        return [w.text for w in words(value) if w.text not in STOPWORDS] if no_morph else index_terms(value)

    def has_morph(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and getattr(other, "version", None) == self.version
