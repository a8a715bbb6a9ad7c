"""The word list every guess is checked against (resources/allowed_words.txt, see its README)."""

from __future__ import annotations

from importlib.resources import files

ALLOWED_WORDS: tuple[str, ...] = tuple(
    files(__package__).joinpath("resources/allowed_words.txt").read_text("utf-8").split()
)
"""clembench v1.6's `english_words`: 12,953 five-letter words, lowercase a-z, sorted."""

ALLOWED: frozenset[str] = frozenset(ALLOWED_WORDS)
