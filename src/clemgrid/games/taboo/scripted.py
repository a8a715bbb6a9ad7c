"""Deterministic programmatic taboo players, for tests and the scripted backend.

They read only the chat, as a model would: the role and the secret word come from our prompt
text. Their "perfect" clue spells the secret word as Unicode code points ("98.111.121" for
"boy"): after clembench's cleaning that is one all-digit token, which can never share a stem
with a (alphabetic) taboo word, and the scripted guesser decodes it exactly.
"""

from __future__ import annotations

import hashlib
import re

from clemgrid.backends.base import Message
from clemgrid.games.base import role_player
from clemgrid.games.taboo.parse import CLUE_TAG, GUESS_TAG

POLICIES = ("perfect", "slow", "never_right", "rule_breaker", "taboo_breaker")
"""perfect: success in turn 1 (100); slow: success in turn 2 (50); never_right: lost after 3
turns; rule_breaker: no CLUE: prefix, aborted; taboo_breaker: the clue is the secret word, lost."""

_SECRET = re.compile(r"^Secret word: (.*)$", re.MULTILINE)
_CODE = re.compile(r"\d{1,7}(?:\.\d{1,7})*")
_NO_INFO = "?"  # cleans to an empty clue / guess: valid, never a taboo word, never right


def _encode(word: str) -> str:
    return ".".join(str(ord(char)) for char in word)


def _decode(clue: str) -> str | None:
    if not _CODE.fullmatch(clue):
        return None
    try:
        return "".join(chr(int(number)) for number in clue.split("."))
    except ValueError:  # beyond the last Unicode code point
        return None


def _useless_clue(target: str) -> str:
    """A valid clue that tells nothing (the guesser cannot decode it) yet differs between
    secret words, so chats of different episodes never coincide: synthetic players draw
    their moves from a hash of the chat, and identical chats would make episodes dependent."""
    tag = int(hashlib.sha256(target.encode()).hexdigest(), 16) % 10**8
    return f"{CLUE_TAG} {_NO_INFO} {tag}"


def _describe(policy: str, messages: list[Message]) -> str:
    prompt = messages[0]["content"]
    clues_given = sum(1 for message in messages if message["role"] == "assistant")
    match = _SECRET.search(prompt)
    target = match.group(1).strip() if match else ""
    if policy == "rule_breaker":
        return "The secret word is hard to describe."
    if policy == "taboo_breaker":
        return f"{CLUE_TAG} {target}"
    if policy == "never_right" or (policy == "slow" and clues_given == 0):
        return _useless_clue(target)
    return f"{CLUE_TAG} {_encode(target)}"


def _guess(policy: str, messages: list[Message]) -> str:
    last_message = messages[-1]["content"]
    if policy == "rule_breaker":
        return "I have no idea."
    clue = last_message[last_message.rfind(CLUE_TAG) + len(CLUE_TAG) :].strip()
    decoded = None if policy == "never_right" else _decode(clue)
    return f"{GUESS_TAG} {decoded or _NO_INFO}"


scripted_player = role_player("taboo", POLICIES, {"describer": _describe, "guesser": _guess})
"""The answer of a `policy` player to `messages` (its own chat so far)."""
