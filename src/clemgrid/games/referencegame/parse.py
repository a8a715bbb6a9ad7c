"""Pure parsing of referencegame answers with the regular expressions stored in each instance.

Shared by the game master and the scorer so that live play and re-scoring of stored (or
imported) transcripts can never disagree. Like clembench v1.6, the patterns are matched at the
start of the answer, ignoring case. The speaker's expression must be one line (only newlines may
follow it: clembench's game master requires an empty `remainder` group). For the listener we
follow clembench's scorer, which matches the pattern without checking the remainder: "Answer:
first, because ..." counts as "first" (and "1st" as "1"). Nothing here raises on any string.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple


class Expression(NamedTuple):
    well_formed: bool
    content: str  # the referring expression ("" when not well formed)


class Answer(NamedTuple):
    well_formed: bool  # the pattern matches (clembench's scorer)
    answer: str  # the chosen grid as written ("" when not well formed)
    only_answer: bool  # nothing but newlines follows it (clembench's game master)


@lru_cache(maxsize=16)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def parse_expression(response: str, pattern: str) -> Expression:
    match = _compiled(pattern).match(response)
    if match is None or match.group("remainder") != "":
        return Expression(False, "")
    return Expression(True, match.group("content"))


def parse_answer(response: str, pattern: str) -> Answer:
    match = _compiled(pattern).match(response)
    if match is None:
        return Answer(False, "", False)
    return Answer(True, match.group("content"), match.group("remainder") == "")


def is_target(answer: str, target_names: list[str]) -> bool:
    """clembench compares the lowercased answer with the target's names (e.g. first/1st/1)."""
    return answer.lower() in target_names
