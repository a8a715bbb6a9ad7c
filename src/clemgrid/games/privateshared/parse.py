"""Pure parsing of privateshared answers, following clembench v1.6's game master.

Shared by the game master and the scorer so that live play and re-scoring of stored (or
imported) transcripts can never disagree. Nothing here raises on any string.
"""

from __future__ import annotations

ANSWER_TAG = "ANSWER:"  # replies to the questioner
ASIDE_TAG = "ASIDE:"  # replies to the game master's probes
YES, NO = 1, 0
_INVALID_TEXT = "NA"  # clembench's marker for "not parsed"; an answer reading exactly NA is lost


def _one_line(response: str) -> bool:
    """Leading and trailing newlines are allowed, any other line break is not."""
    return "\n" not in response.strip("\n")


def parse_slot_answer(response: str) -> str | None:
    """The answer without its tags, or None when invalid: it must start with "ANSWER:" (case
    matters) and be one line. clembench's quirk kept: an answer that cleans to "NA" (its own
    invalid marker) is invalid too."""
    if not response.startswith(ANSWER_TAG) or not _one_line(response):
        return None
    answer = response.replace(ANSWER_TAG, "").strip()
    return None if answer == _INVALID_TEXT else answer


def parse_probe_answer(response: str) -> int | None:
    """YES or NO, or None when invalid: one line starting with "ASIDE:" whose text (lowercased)
    starts with "yes" or "no" (so "Nope" and "Not yet" are no, as in clembench)."""
    if not response.startswith(ASIDE_TAG) or not _one_line(response):
        return None
    answer = response.replace(ASIDE_TAG, "").strip().lower()
    if answer.startswith("yes"):
        return YES
    if answer.startswith("no"):
        return NO
    return None


def mentions(response: str, value: str) -> bool:
    """Whether a raw answer contains a slot value (ignoring case): fills the slot asked, or
    anticipates a later one."""
    return value.lower() in response.lower()
