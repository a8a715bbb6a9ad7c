"""Deterministic programmatic privateshared answerers, for tests and the scripted backend.

They read only the chat, as a model would: the slot values come from the table in our prompt,
and the questioner's requests and the probing questions are looked up in the game's texts
(resources/texts_v1.6.json) to know which slot they are about. Probes are answered from the
chat too: the questioner knows a slot once it asked for it or an earlier answer named its value.
"""

from __future__ import annotations

from functools import cache

from clemgrid.backends.base import Message
from clemgrid.games.privateshared.instances import texts
from clemgrid.games.privateshared.parse import ANSWER_TAG, ASIDE_TAG, mentions

POLICIES = ("perfect", "oversharer", "never_right", "rule_breaker")
"""perfect: answers each request with its value and each probe rightly (100);
oversharer: answers each request with every value (all later slots are anticipated) and each
probe rightly (100); never_right: never names a value and answers each probe wrongly (0, lost);
rule_breaker: no tags (the first probe fails MAX_TRIES times: aborted)."""

NO_ANSWER = f"{ANSWER_TAG} I'd rather not say."  # names no slot value of any instance


@cache
def _slot_of(kind: str) -> dict[str, str]:
    """question text -> slot, over all experiments (each text names one slot)."""
    return {
        question: slot
        for experiment in texts().values()
        for slot, questions in experiment[kind].items()
        for question in questions
    }


def _values(prompt: str) -> dict[str, str]:
    """The slot table of our prompt: its first block of "KEY: value" lines, keyed by slot."""
    values: dict[str, str] = {}
    for line in prompt.split("\n"):
        key, colon, value = line.partition(": ")
        if colon and key.isupper():
            values[key.lower()] = value
        elif values:
            break
    return values


def _requested(message: Message) -> str | None:
    """The slot a questioner's request (a user message "TAG: request") asks for."""
    return _slot_of("requests").get(message["content"].partition(": ")[2])


def _probed(content: str) -> str | None:
    """The slot a probe asks about: its question is the longest known one in the message."""
    found = [question for question in _slot_of("probing_questions") if question in content]
    return _slot_of("probing_questions")[max(found, key=len)] if found else None


def _told(slot: str | None, values: dict[str, str], messages: list[Message]) -> bool:
    """Whether the questioner knows `slot` from the dialogue before the probe."""
    if slot is None:
        return False
    value = values.get(slot, "")
    return any(
        _requested(message) == slot
        if message["role"] == "user"
        else bool(value) and mentions(message["content"], value)
        for message in messages[1:-1]
    )


def scripted_player(policy: str, messages: list[Message]) -> str:
    """The answer of a `policy` player to `messages` (its own chat so far)."""
    if policy not in POLICIES:
        raise ValueError(f"unknown privateshared policy {policy!r}; known: {', '.join(POLICIES)}")
    first = messages[0]["content"] if messages else ""
    if f"{ANSWER_TAG} <" not in first or f"{ASIDE_TAG} <" not in first:
        raise ValueError("not a privateshared chat: the first message asks for no ANSWER/ASIDE")
    values = _values(first)
    last = messages[-1]["content"]
    if policy == "rule_breaker":
        return "Hmm, let me think about that."
    if last.startswith("ME:"):
        told = _told(_probed(last), values, messages)
        yes = told != (policy == "never_right")
        return f"{ASIDE_TAG} {'yes' if yes else 'no'}"
    if policy == "never_right":
        return NO_ANSWER
    if policy == "oversharer":
        return f"{ANSWER_TAG} {'; '.join(values.values())}"
    return f"{ANSWER_TAG} {values.get(_requested(messages[-1]) or '', 'I do not know.')}"
