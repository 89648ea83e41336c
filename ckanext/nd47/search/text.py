"""Vietnamese-aware text normalisation for the PostgreSQL search backend.

Vietnamese marks tone and vowel quality with diacritics, and citizens often
type without them ("thoi tiet" for "Thời tiết"). Both the index and the query
side therefore keep two forms of every text: the lower-cased original (for
exact-diacritic ranking) and a folded form without diacritics (for matching).
Folding happens in Python so the database needs no ``unaccent`` extension and
behaves the same whatever its locale.
"""
from __future__ import annotations

import re
import unicodedata

# Đ/đ is a separate letter, not D plus a combining mark, so NFD leaves it.
_LETTER_MAP = str.maketrans({"đ": "d", "Đ": "d"})
_WORD_RE = re.compile(r"\w+", re.UNICODE)


def lower(text: str) -> str:
    """Lower-case in NFC so that precomposed and decomposed input agree."""
    return unicodedata.normalize("NFC", text).lower()


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics.

    >>> fold("Đất đai – Thời tiết")
    'dat dai – thoi tiet'
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTER_MAP))
    stripped = "".join(
        ch for ch in decomposed if unicodedata.category(ch) != "Mn"
    )
    return unicodedata.normalize("NFC", stripped).lower()


def words(text: str) -> list[str]:
    """Split text into word tokens (Vietnamese syllables, numbers, codes)."""
    return _WORD_RE.findall(text)


def has_diacritics(text: str) -> bool:
    return fold(text) != text.lower()


def is_unstorable(text: str) -> bool:
    """Whether ``text`` holds what PostgreSQL cannot take: a NUL, or a lone
    UTF-16 surrogate (it has no UTF-8 encoding)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
