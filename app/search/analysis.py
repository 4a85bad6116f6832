"""Text analysis for the search index: one Persian + English analyzer for indexing and for queries.

normalize_text() gives the canonical form of user text (also usable on save); word_analyzer() turns
it into stemmed, stopped words; ngram_analyzer() into padded character 3-grams for the fallback field
(typos, colloquial spellings); key_terms() picks the few words that best describe a text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from whoosh.analysis import Analyzer, Filter, RegexTokenizer, StopFilter, Token
from whoosh.lang.porter import stem as porter_stem

ZWNJ = "\u200c"
_WORD = r"\w+"

# Letters a writer on an Arabic keyboard (or an old font) types instead of the Persian ones.
_LETTERS = {
    "\u064a": "ی",
    "\u0649": "ی",
    "\u0626": "ی",
    "\u06cd": "ی",
    "\u06d0": "ی",  # ي ى ئ ۍ ې
    "\u0643": "ک",
    "\u06aa": "ک",  # ك ڪ
    "\u0629": "ه",
    "\u06c0": "ه",
    "\u06c1": "ه",
    "\u06d5": "ه",
    "\u06be": "ه",  # ة ۀ ہ ە ھ
    "\u0623": "ا",
    "\u0625": "ا",
    "\u0671": "ا",
    "\u0672": "ا",
    "\u0673": "ا",  # أ إ ٱ
    "\u0624": "و",  # ؤ
}
_DIGITS = {ord(c): str(i % 10) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")}
# Harakat, Quranic marks, superscript alef, hamza above/below, tatweel: dropped, never a word break.
_DROP = [chr(c) for c in (*range(0x064B, 0x0660), 0x0670, *range(0x0610, 0x061B), *range(0x06D6, 0x06EE))]
_DROP += ["\u0640", "\u200b", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u061c"]
_DROP += [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
_TABLE_KEEP_DIGITS = str.maketrans({**{ord(k): v for k, v in _LETTERS.items()}, **{ord(c): None for c in _DROP}})
_TABLE = str.maketrans({**_TABLE_KEEP_DIGITS, **_DIGITS})
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
_JOINERS = re.compile(r"[\u200c\u200d]+")  # ZWNJ, and ZWJ typed in its place
_LOOSE_JOINER = re.compile(r"(?<!\w)\u200c|\u200c(?!\w)")
_SPACES = re.compile(r"[^\S\n]+")
_WORD_FINDER = re.compile(_WORD)


def normalize_text(text: str, *, ascii_digits: bool = True) -> str:
    """Canonical text: NFKC, Persian letters, no diacritics/tatweel/invisibles, ASCII digits, one ZWNJ."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.translate(_TABLE if ascii_digits else _TABLE_KEEP_DIGITS)
    text = _JOINERS.sub(ZWNJ, text)
    text = _LOOSE_JOINER.sub("", text)
    return _SPACES.sub(" ", text).strip()


def fold_text(text: str) -> str:
    """The form the tokenizer reads: normalized, lower case, ZWNJ as a word break (length kept)."""
    return normalize_text(text).lower().replace(ZWNJ, " ")


@lru_cache(maxsize=64)
def folded_words(text: str) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """The text normalized in lower case (ZWNJ kept), and its words as (word, start, end): the words of
    fold_text(text), as ZWNJ is no \\w. Remembered for the last few texts: the word fields, the n-grams
    and the stored terms of one post all read its text (app.search.compounds too)."""
    folded = normalize_text(text).lower()
    return folded, tuple((match.group(), match.start(), match.end()) for match in _WORD_FINDER.finditer(folded))


@lru_cache(maxsize=100_000)
def is_persian(word: str) -> bool:
    """True if the word is written in the Arabic script."""
    return _ARABIC_SCRIPT.search(word) is not None


# ---------------------------------------------------------------------------------------- stopwords


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words and the suffixes that a space or ZWNJ detaches from their word (کتاب ها, خانه ای,
# بزرگ تر, می رود). Kept short on purpose: a longer list (question words, auxiliaries) measured no
# better on the Persian paraphrase set, and IDF already weighs common words down.
PERSIAN_STOPWORDS = _words(
    """
    و در به از که این آن را رو با است برای تا یک هم بر یا اما ولی نیز
    ها های هایی ای ی تر ترین ام ات اش اند ایم اید مان تان شان می نمی
    """
)
ENGLISH_STOPWORDS = _words(
    """
    a an and are as at be by can for from have has had if in is it its may not of on or that the
    this to us we when will with yet you your i me my our they them their he she his her it's
    was were been do does did so but than then there these those what which who would could should
    also just very am im
    """
)
STOPWORDS = PERSIAN_STOPWORDS | ENGLISH_STOPWORDS

# ---------------------------------------------------------------------------------- Persian stemmer

# Words whose ending looks like a suffix but is part of the word: stripping it would merge them with
# an unrelated word (مهمان → مهم, باران → بار, دختر → دخ…) or mangle a common civic word.
PERSIAN_STEM_EXCEPTIONS = _words(
    """
    تنها تنهایی تنهای بها رها گروگان پهلوان مالیات مجازات عملیات
    دختر دفتر چتر کبوتر بستر شتر انگشتر اختر دکتر متر کیلومتر سانتیمتر میلیمتر فیلتر تئاتر
    کامپیوتر پوستر اسکوتر لیتر تیتر هلیکوپتر کاراکتر استر برتر کمتر بهتر کنتر پیشتر
    باران جوان نوجوان آسمان پایان ارزان گران استان زمان میدان خیابان ایران تهران کرمان انسان
    مهمان میهمان ساختمان سازمان درمان آرمان فرمان پیمان گمان تومان ایمان سامان دامان
    جهان دهان نشان زبان دندان زندان بیان زیان جریان مکان امکان روان کاروان دیوان توان عنوان
    لیوان ایوان شیطان سلطان قربان چوپان پنهان نهان جان نان خان شان کمان گیلان آبان
    تابستان زمستان بیمارستان دبستان گلستان شهرستان کودکستان دبیرستان بوستان پارکینگ
    خراسان اصفهان کاشان سمنان گرگان لرستان کردستان سیستان بلوچستان زنجان همدان
    باغبان نگهبان دربان مرزبان پاسبان آتشبان سایبان بادبان بان
    حیات نجات ثبات زکات ذات صفات ملاقات اوقات کلمات ساعات برات مات لات
    کشتی ماهی بازی صندلی خالی عالی قاضی راضی ناجی تاکسی کرسی آبی سبزی
    """
)
_PLURAL = ("هایی", "های", "ها")
_KEEP_ENDINGS = ("ستان", "بان")


def _strip_plural(word: str) -> str | None:
    """کوچه‌ها/کوچههای → کوچه; None when the word has no plural ها ending."""
    for suffix in _PLURAL:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return None


def _strip_comparative(word: str) -> str | None:
    """بزرگترین/بزرگتر → بزرگ, keeping a stem of three letters or more."""
    for suffix in ("ترین", "تر"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return None


def _strip_an_at(word: str) -> str | None:
    """شهروندان → شهروند, رانندگان → راننده, دانشجویان → دانشجو, مشکلات → مشکل."""
    if word.endswith(_KEEP_ENDINGS):
        return None
    if word.endswith("گان") and len(word) >= 6:
        return word[:-3] + "ه"
    if word.endswith("یان") and len(word) >= 5 and word[-4] in "او":
        return word[:-3]
    if word.endswith(("ان", "ات")) and len(word) >= 6:
        return word[:-2]
    return None


def _strip_yeh(word: str) -> str | None:
    """خیابانی → خیابان, مشکلی → مشکل: the indefinite/adjective ی on a stem of four letters or more;
    هوای → هوا, آهوی → آهو: the ezafe ی after a long vowel, on a stem of three."""
    if word.endswith("ی") and not word.endswith("یی") and (len(word) >= 5 or (len(word) == 4 and word[-2] in "او")):
        return word[:-1]
    return None


# The stems of the verbs residents write with the continuous می (present, then past; colloquial forms
# last): a joined میرود is stripped only when what follows می is one of them with a personal ending,
# so that میدان, میز, میلاد, میلیونی keep their می. Words that happen to read as such a verb are listed.
PRESENT_STEMS = _words(
    """
    رو شو کن گیر ده گو خواه توان دان آ آی ای بر رس بین زن کش گذار گذر ساز ریز مان خور نویس خوان
    پرس شناس باش دار یاب گرد افت بند پذیر فرما سوز خند آور اور گرا پوش ترس فروش خر بخش کوب شکن
    ران نشین ایست پیچ چین دو سپار فهم لرز بار تاب کار چرخ جنگ ساب لغز گوی فرمای رسان نام زدای
    ا ر ش گ تون دون خوا گیر
    """
)
PAST_STEMS = _words(
    """
    رفت شد کرد گرفت داد گفت خواست توانست دانست آمد امد برد رسید دید زد کشید گذاشت گذشت ساخت
    ریخت ماند خورد نوشت خواند پرسید شناخت بود داشت یافت گشت افتاد بست پذیرفت فرمود سوخت خندید
    آورد اورد پوشید ترسید فروخت خرید بخشید کوبید شکست راند نشست ایستاد پیچید چید دوید سپرد
    فهمید لرزید بارید تابید چرخید جنگید جست
    """
)
PERSIAN_PREFIX_EXCEPTIONS = _words("میدانی میان میرم")
_VERB_PREFIXES = ("نمی", "می")
_PERSONAL_ENDINGS = ("ند", "یم", "ید", "ین", "م", "ی", "د", "ه", "ن")  # ه ین ن: colloquial, میره, میگن
_PAST_ENDINGS = frozenset({"ند", "یم", "ید", "ین", "م", "ی", "ن"})


def _is_verb_after_mi(rest: str) -> bool:
    """True if `rest` reads as a verb: a present stem with a personal ending, or a past stem with or without."""
    if rest in PAST_STEMS or rest == "توان":  # the past 3rd person, and می‌توان ("one can")
        return True
    for ending in _PERSONAL_ENDINGS:
        stem = rest[: -len(ending)]
        if rest.endswith(ending) and (stem in PRESENT_STEMS or (ending in _PAST_ENDINGS and stem in PAST_STEMS)):
            return True
    return False


def _strip_verb_prefix(word: str) -> str | None:
    """میرود/نمیشود → رود/شود: the continuous می (نمی) typed joined to its verb, as می‌رود gives رود."""
    if word in PERSIAN_PREFIX_EXCEPTIONS:
        return None
    for prefix in _VERB_PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and _is_verb_after_mi(rest):
            return rest
    return None


def verb_without_prefix(word: str) -> str | None:
    """The verb of a joined میرود/نمیشود (رود/شود), as می‌رود gives it; None for any other word.

    Not part of persian_stem: the search index holds it beside the word (app.search.compounds), while
    similar-post ranking keeps the joined word, which measured better on the Persian duplicate set.
    """
    return _strip_verb_prefix(word)


@lru_cache(maxsize=100_000)
def persian_stem(word: str) -> str:
    """Light Persian stem: drop a plural ها, then one comparative, ان/ات plural or ی suffix."""
    if word in PERSIAN_STEM_EXCEPTIONS:
        return word
    word = _strip_plural(word) or word
    if word in PERSIAN_STEM_EXCEPTIONS:
        return word
    stem = _strip_comparative(word) or _strip_an_at(word)
    if stem is not None:
        return stem
    stem = _strip_yeh(word)
    if stem is None or stem in PERSIAN_STEM_EXCEPTIONS:
        return stem or word
    return _strip_an_at(stem) or stem


@lru_cache(maxsize=100_000)
def english_stem(word: str) -> str:
    """Porter stem for words in Latin letters; numbers and codes stay as they are."""
    return porter_stem(word) if word.isalpha() else word


@lru_cache(maxsize=200_000)  # words repeat across posts: one look-up instead of two
def stem_word(word: str) -> str:
    """Stem a folded word with the stemmer of its script."""
    return persian_stem(word) if is_persian(word) else english_stem(word)


# ------------------------------------------------------------------------------- Whoosh components


class NormalizingTokenizer(RegexTokenizer):
    """Splits fold_text(value) into words, so every field and query sees the same normal form."""

    def __init__(self) -> None:
        super().__init__(expression=_WORD)

    def __call__(self, value: str, **kwargs) -> Iterator[Token]:  # type: ignore[override]
        return super().__call__(fold_text(value), **kwargs)


class BilingualStemFilter(Filter):
    """Stems Persian words with persian_stem and Latin-script words with Porter."""

    is_morph = True

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            if not t.stopped:
                t.text = stem_word(t.text)
            yield t


class PaddedNgramFilter(Filter):
    """Replaces each word by its character n-grams with "_" marking the word's start and end."""

    def __init__(self, size: int = 3) -> None:
        self.size = size

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for t in tokens:
            if t.stopped:
                continue
            for gram in word_ngrams(t.text, self.size):
                t.text = gram
                yield t


def word_ngrams(word: str, size: int = 3) -> list[str]:
    """The padded n-grams of one folded word: "car" → ["_ca", "car", "ar_"]."""
    return list(_ngrams(word, size))


@lru_cache(maxsize=200_000)  # words repeat across posts: a rebuild cuts the same ones again and again
def _ngrams(word: str, size: int) -> tuple[str, ...]:
    padded = f"_{word}_"
    if len(padded) <= size:
        return (padded,)
    return tuple(padded[i : i + size] for i in range(len(padded) - size + 1))


def word_analyzer() -> Analyzer:
    """The word analyzer for every text field and query: normalize, split, drop stopwords, stem."""
    return NormalizingTokenizer() | StopFilter(stoplist=STOPWORDS, minsize=1) | BilingualStemFilter()


class WordNgramAnalyzer(Analyzer):
    """Padded character n-grams of the words the word analyzer keeps (word_analyzer() | PaddedNgramFilter),
    made from analyze()'s remembered words: a document's n-gram field reads the text its word fields
    have just read, and analysing it again was a tenth of a rebuild."""

    def __init__(self, size: int = 3) -> None:
        self.size = size

    def __call__(self, value: str, positions: bool = False, **kwargs) -> Iterator[Token]:  # type: ignore[override]
        token = Token(positions=positions, **kwargs)
        for position, gram in enumerate(self.terms(value)):
            token.text, token.stopped, token.boost = gram, False, 1.0
            token.pos, token.startchar, token.endchar = position, 0, 0  # no whoosh highlighting reads them
            yield token

    def terms(self, value: str, no_morph: bool = False) -> list[str]:
        """The n-grams as text, without tokens (app.search.bulk_writer indexes from them)."""
        return text_ngrams(_word_terms(value), self.size)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and getattr(other, "size", None) == self.size


def ngram_analyzer(size: int = 3) -> Analyzer:
    """The fallback analyzer: padded character n-grams of the words the word analyzer keeps."""
    return WordNgramAnalyzer(size)


def analyze(text: str, analyzer: Analyzer | None = None) -> list[str]:
    """The terms an analyzer makes of a text, in order (the word analyzer by default)."""
    if analyzer is None:
        return list(_word_terms(text))
    return [t.text for t in analyzer(text)]


@lru_cache(maxsize=64)
def _word_terms(text: str) -> tuple[str, ...]:
    """The word analyzer's terms (tested against it), remembered for the last few texts: indexing one
    post reads its text for several fields (words, n-grams, stored terms), and similar posts analyse the
    same draft twice. Without Whoosh's tokens: a third of the analysis of a post went to making them."""
    return tuple(stem_word(word) for word, _, _ in folded_words(text)[1] if word not in STOPWORDS)


def text_ngrams(words: Iterable[str], size: int = 3) -> list[str]:
    """The n-grams of already analysed words: the same terms ngram_analyzer() makes of their text."""
    return [gram for word in words for gram in _ngrams(word, size)]


def key_terms(
    text: str,
    doc_frequency: Callable[[str], int] | None = None,
    doc_count: int = 0,
    *,
    limit: int = 12,
    analyzer: Analyzer | None = None,
) -> list[tuple[str, float]]:
    """The `limit` most telling terms of a text as (term, weight), weight = sublinear tf × idf."""
    counts = Counter(analyze(text, analyzer))
    weights = {}
    for term, tf in counts.items():
        idf = 1.0
        if doc_frequency is not None:
            df = doc_frequency(term)
            idf = math.log((doc_count + 1) / (df + 1)) + 1.0 if df else 0.0
        weights[term] = (1.0 + math.log(tf)) * idf
    ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(term, weight) for term, weight in ranked[:limit] if weight > 0]
