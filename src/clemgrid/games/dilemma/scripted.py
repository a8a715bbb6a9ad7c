"""Deterministic programmatic dilemma players, for tests and synthetic models.

They see only the chat, as a model does: a public-goods prompt asks for a number of dollars.
"""

from __future__ import annotations

from clemgrid.backends.base import Message

POLICIES = ("perfect", "never_right", "rule_breaker", "reasoner")
"""perfect: always cooperates (C, or all 10 dollars; quality 100);
never_right: always defects (D, or 0 dollars; quality 0);
rule_breaker: prose the strict parse rejects (aborted) but whose lenient reading is C although
the text chooses D: the original rule's C-bias on one answer;
reasoner: a reasoned answer that ends in the choice (aborted under the strict parse)."""

_PGG_MARK = "into the pot"


def scripted_player(policy: str, messages: list[Message]) -> str:
    """The answer of a `policy` player to `messages`."""
    if policy not in POLICIES:
        raise ValueError(f"unknown dilemma policy {policy!r}; known: {', '.join(POLICIES)}")
    prompt = messages[0]["content"] if messages else ""
    pgg = _PGG_MARK in prompt
    if policy == "perfect":
        return "10" if pgg else "C"
    if policy == "never_right":
        return "Answer: 0" if pgg else "Answer: D"
    if policy == "rule_breaker":
        return "Considering the risk, I keep all 10." if pgg else "Considering the risk: D."
    return "Sharing maximises the total, so I give 10." if pgg else "Trust pays off here, so C."
