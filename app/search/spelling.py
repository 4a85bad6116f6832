""" "Did you mean": words of a query that the index barely knows, replaced by close words it knows well.

Candidates come from the unstemmed words of every post (the `spell_text` field) within one edit (two
for longer words) of the typed word, sharing its first letter; the closest, then the most common,
wins, and only if it is much more common than the word typed (خیابون → خیابان, potholle → pothole).
Words are counted in the posts the viewer may find (and in live documents only): a word that only
pending, rejected or hidden posts contain is never suggested to someone who may not read them.
"""

from __future__ import annotations

import re

from whoosh.searching import Searcher

from app.search.analysis import STOPWORDS, fold_text

SPELL_FIELD = "spell_text"
_WORD = re.compile(r"\w+")
MIN_LENGTH = 3  # shorter words have too many neighbours to guess from
COMMON_ENOUGH = 3  # a word in this many posts is taken as meant
MORE_COMMON = 5  # a correction must be this many times more common than the word typed
COUNT_CAP = 1000  # counting stops here: enough to rank candidates, and a bounded cost per word
SHORT_WORD = 6  # letters up to which a correction makes one edit, beyond it two (bench/spelling.py)


def corrections(searcher: Searcher, text: str, hidden: frozenset[int] = frozenset()) -> dict[str, str]:
    """Typed word (folded) → the word it most likely meant, for the words that need one.

    `hidden`: the document numbers the viewer may not find (see app.search.permissions.hidden_from).
    """
    found = {}
    for word in dict.fromkeys(_WORD.findall(fold_text(text))):
        if len(word) < MIN_LENGTH or word in STOPWORDS or word.isdigit():
            continue
        frequency = visible_count(searcher, word, hidden)
        if frequency >= COMMON_ENOUGH:
            continue
        better = _best_neighbour(searcher, word, frequency, hidden)
        if better is not None:
            found[word] = better
    return found


def suggest(searcher: Searcher, text: str, hidden: frozenset[int] = frozenset()) -> str | None:
    """The query with its misspelt words corrected, or None when nothing needs correcting."""
    fixes = corrections(searcher, text, hidden)
    if not fixes:
        return None
    return _WORD.sub(lambda match: fixes.get(match.group(), match.group()), fold_text(text))


def typed_words(text: str) -> list[str]:
    """The words of a query as the index's spelling field holds them: folded, unstemmed, no stopwords."""
    return [w for w in dict.fromkeys(_WORD.findall(fold_text(text))) if w not in STOPWORDS]


def max_edits(length: int) -> int:
    """Edits a correction may make to a word of `length` letters (see bench/spelling.py)."""
    return 1 if length <= SHORT_WORD else 2


def neighbours(searcher: Searcher, word: str, limit: int = 8, hidden: frozenset[int] = frozenset()) -> list[str]:
    """Words within max_edits() of `word` that the viewer may find in some post, closest and most
    common first. Words only unseen posts contain are not neighbours."""
    maxdist = max_edits(len(word))
    counted = ((w, visible_count(searcher, w, hidden)) for w in _terms_within(searcher, word, maxdist) if w != word)
    found = [(w, count) for w, count in counted if count]
    found.sort(key=lambda pair: (edit_distance(word, pair[0]), -pair[1], pair[0]))
    return [w for w, _count in found[:limit]]


def visible_count(
    searcher: Searcher,
    word: str,
    hidden: frozenset[int] = frozenset(),
    cap: int = COUNT_CAP,
    fieldname: str = SPELL_FIELD,
) -> int:
    """In how many live documents the viewer may find `word` appears (counted up to `cap`).

    Not doc_frequency: that also counts the old copies of edited posts until their segment merges,
    and the posts the viewer may not see.
    """
    if hasattr(searcher, "visible_count"):  # another backend counts in its own store, for its viewer (app.search.pg)
        return searcher.visible_count(word, cap=cap, fieldname=fieldname)
    frequency = searcher.doc_frequency(fieldname, word)
    if not frequency:
        return 0
    if not searcher.reader().has_deletions() and frequency - len(hidden) >= min(frequency, cap):
        return min(frequency, cap)  # no old copies, and too few hidden posts to matter: no need to walk it
    count = 0
    postings = searcher.postings(fieldname, word)  # skips deleted documents
    while postings.is_active() and count < cap:
        if postings.id() not in hidden:
            count += 1
        postings.next()
    return count


def _best_neighbour(searcher: Searcher, word: str, frequency: int, hidden: frozenset[int]) -> str | None:
    best: tuple[int, int, str] | None = None
    for maxdist in range(1, max_edits(len(word)) + 1):
        for candidate in _terms_within(searcher, word, maxdist):
            if candidate == word:
                continue
            count = visible_count(searcher, candidate, hidden)
            if count < max(COMMON_ENOUGH, MORE_COMMON * max(frequency, 1)):
                continue
            key = (edit_distance(word, candidate), -count, candidate)
            if best is None or key < best:
                best = key
        if best is not None:
            return best[2]
    return None


def _terms_within(searcher: Searcher, word: str, maxdist: int) -> list[str]:
    """Known unstemmed words within `maxdist` edits of `word` that start with its first letter."""
    if hasattr(searcher, "terms_within"):  # app.search.pg: pg_trgm finds them
        return searcher.terms_within(word, maxdist)
    # Whoosh's reader.terms_within(prefix=1) measures the distance to every word with the same first
    # letter. Words whose length differs by more than maxdist are never within it, nor words whose sets
    # of letters differ by more than two per edit (an edit adds or removes at most one letter of each
    # set): both are skipped before measuring.
    by_length = _words_by_length(searcher, word[:1])
    letters, most = set(word), 2 * maxdist
    found = []
    for length in range(len(word) - maxdist, len(word) + maxdist + 1):
        for candidate in by_length.get(length, ()):
            if (
                len(letters.symmetric_difference(candidate)) <= most
                and edit_distance(word, candidate, maxdist) <= maxdist
            ):
                found.append(candidate)
    return sorted(found)


def _words_by_length(searcher: Searcher, first: str) -> dict[int, list[str]]:
    """The known unstemmed words starting with `first`, by length: read from the index once per searcher
    (a searcher is replaced when the index changes), one first letter at a time."""
    memo: dict = searcher.__dict__.setdefault("_spelling_words", {})
    if first not in memo:
        by_length: dict[int, list[str]] = {}
        for term in searcher.reader().expand_prefix(SPELL_FIELD, first):
            candidate = term.decode("utf-8")
            by_length.setdefault(len(candidate), []).append(candidate)
        memo[first] = by_length
    return memo[first]


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count as one edit); with `limit`, any answer above
    it may be returned as soon as every path is known to exceed it."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        if limit is not None and i > 1 and min(current) > limit and min(previous) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
