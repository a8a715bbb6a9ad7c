"""Deterministic programmatic wordle players, for tests and the scripted backend.

They read only the chat, as a model would, plus a memory of the clembench v1.6 instance set
(the 30 target words and their clues), like a model that has seen the benchmark. The perfect
guesser keeps the remembered targets that fit the clue (if the chat has one) and all feedback
so far, and guesses the one that splits the rest best: with a clue it is right at once, without
one it wins every v1.6 instance within 3 guesses. An unknown target makes it fall back to the
first word of the word list that fits the feedback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from importlib.resources import files
from typing import cast

from clemgrid.backends.base import Message
from clemgrid.games.base import role_player
from clemgrid.games.wordle_common.feedback import Color, Feedback, feedback
from clemgrid.games.wordle_common.words import ALLOWED_WORDS

POLICIES = ("perfect", "never_right", "rule_breaker", "non_word", "short_word")
"""perfect: the best score there is (a critic agrees exactly with the remembered answer);
never_right: listed words that are no v1.6 target, lost (a critic gives the wrong verdict);
rule_breaker: "Guess:" capitalised (a critic: no "agreement:"), aborted; non_word: a word not
in the list, aborted after 6 tries; short_word: 3 letters, aborted after 3 tries."""
CRITIC_POLICIES = ("critic_breaker", "contrarian")
"""Only with a critic: a perfect guesser with a critic that never writes "agreement:"
(aborted), or with one that always disagrees (the guesser ignores it and wins)."""

NEVER_RIGHT_WORDS = ("fjord", "gucks", "nymph", "vibex", "waltz", "quack")
"""Guessed in turn: 26 letters between them, so their feedback soon tells episodes apart (a
synthetic player draws its moves from a hash of the chat; equal chats would tie episodes)."""
_EXPLANATION = "explanation: It fits the clue and all feedback so far."
_CLUE_LINE = re.compile(r"^clue: (.*)$", re.MULTILINE)
_GUESS_LINE = re.compile(r"^guess: (.*)$", re.MULTILINE)
_FEEDBACK_LINE = re.compile(r"^feedback: (.*)$", re.MULTILINE)
_LETTER = re.compile(r"([a-z])<(green|yellow|red)>")


def _remembered() -> dict[str, str]:
    """target word -> clue, over all three instance files (they hold the same 30 words)."""
    memory: dict[str, str] = {}
    for game in ("wordle", "wordle_withclue", "wordle_withcritic"):
        path = files(__package__).joinpath(f"resources/{game}_instances_v1.6.json")
        for experiment in json.loads(path.read_text("utf-8"))["experiments"]:
            for item in experiment["instances"]:
                memory[item["target_word"]] = item["target_word_clue"]
    return memory


MEMORY = _remembered()


def _observations(messages: list[Message]) -> tuple[tuple[str, Feedback], ...]:
    """(guess, colours) of every feedback line the game master wrote, in order."""
    seen = []
    for message in messages[1:]:
        if message["role"] != "user":
            continue
        for line in _FEEDBACK_LINE.findall(message["content"]):
            pairs = _LETTER.findall(line)
            if len(pairs) == 5:
                word = "".join(letter for letter, _ in pairs)
                seen.append((word, tuple(cast(Color, color) for _, color in pairs)))
    return tuple(seen)


def _splits_best(candidates: list[str]) -> str:
    """The candidate whose feedback leaves the smallest worst-case group (then most groups)."""

    def badness(guess: str) -> tuple[int, int, str]:
        groups: dict[Feedback, int] = {}
        for target in candidates:
            colors = feedback(guess, target)
            groups[colors] = groups.get(colors, 0) + 1
        return max(groups.values()), -len(groups), guess

    return min(candidates, key=badness)


@lru_cache(maxsize=4096)
def solve(clue: str | None, observations: tuple[tuple[str, Feedback], ...]) -> str:
    """The perfect guesser's next word, given the clue (if any) and the feedback so far."""

    def fits(word: str) -> bool:
        return all(feedback(guess, word) == colors for guess, colors in observations)

    remembered = [word for word, word_clue in MEMORY.items() if clue in (None, word_clue)]
    candidates = [word for word in remembered or MEMORY if fits(word)]
    if candidates:
        return _splits_best(sorted(candidates))
    return next((word for word in ALLOWED_WORDS if fits(word)), ALLOWED_WORDS[0])


def _last(line: re.Pattern[str], text: str) -> str | None:
    """The value of the last such line: examples in a first message come before the game's."""
    values = line.findall(text)
    return values[-1] if values else None


def _guess(policy: str, messages: list[Message]) -> str:
    if policy == "rule_breaker":
        return f"Guess: crane\n{_EXPLANATION}"
    observations = _observations(messages)
    if policy == "never_right":
        word = NEVER_RIGHT_WORDS[len(observations) % len(NEVER_RIGHT_WORDS)]
    elif policy in ("non_word", "short_word"):
        word = "qxzvb" if policy == "non_word" else "cat"
    else:
        word = solve(_last(_CLUE_LINE, messages[0]["content"]), observations)
    return f"guess: {word}\n{_EXPLANATION}"


def _judge(policy: str, messages: list[Message]) -> str:
    if policy in ("rule_breaker", "critic_breaker"):
        return "I agree with this guess."
    consultation = next(
        (m["content"] for m in reversed(messages) if _GUESS_LINE.search(m["content"])), ""
    )
    clue, guess = _last(_CLUE_LINE, consultation), _last(_GUESS_LINE, consultation)
    right = clue is not None and guess is not None and MEMORY.get(guess) == clue
    agree = {"contrarian": False, "never_right": not right}.get(policy, right)
    if agree:
        return "agreement: yes\nexplanation: It fits the clue and the feedback."
    return "agreement: no\nexplanation: I doubt that it fits the clue."


def player_for(policies: tuple[str, ...]) -> Callable[[str, list[Message]], str]:
    """The scripted wordle player (guesser or critic) restricted to one game's policies."""
    return role_player("wordle", policies, {"guesser": _guess, "critic": _judge})
