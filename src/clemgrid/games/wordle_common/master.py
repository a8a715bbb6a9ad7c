"""Step-wise game master of the wordle games (rules in rules.py, our own wording).

The guesser (player_1) and, in wordle_withcritic, the critic (player_2) each keep their own
chat: their raw answers, then the game master's reply (feedback, the critic's opinion, or a
request to retry). The letter feedback is computed here, not by a model.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any, ClassVar

from clemgrid.backends.base import Message
from clemgrid.games.base import GameMaster, Instance, Move, Outcome, Request
from clemgrid.games.wordle_common.feedback import render
from clemgrid.games.wordle_common.parse import (
    INVALID_FORMAT,
    INVALID_WORD,
    INVALID_WORD_LENGTH,
    NOT_VALID_ENGLISH_WORD,
)
from clemgrid.games.wordle_common.rules import (
    CRITIC,
    CRITIC_ERROR,
    ERRORS,
    GUESSER,
    MAX_ATTEMPTS,
    Event,
    WordleRules,
)
from clemgrid.games.wordle_common.variants import (
    WORDLE,
    WORDLE_WITHCLUE,
    WORDLE_WITHCRITIC,
    Variant,
)

PLAYERS = {GUESSER: "player_1", CRITIC: "player_2"}
_FORMAT = "guess: <your five-letter word>\nexplanation: <a short reason for this guess>"
RETRY_MESSAGES = {
    INVALID_FORMAT: f'Your answer has no line starting with "guess:". Answer with exactly these two lines:\n{_FORMAT}\nPlease try again.',
    INVALID_WORD: "Your guess must consist of letters only. Please try again.",
    INVALID_WORD_LENGTH: "Your guess must have exactly five letters. Please try again.",
    NOT_VALID_ENGLISH_WORD: "Your guess is not in the game's word list. Please try again.",
}
CRITIC_RETRY_MESSAGE = 'Your answer has no line "agreement: yes" or "agreement: no". Answer with exactly these two lines:\nagreement: yes or no\nexplanation: <a short reason>\nPlease try again.'


def _prompt(name: str) -> str:
    return files(__package__).joinpath(f"prompts/{name}.txt").read_text("utf-8").rstrip("\n")


def guesser_prompt(variant: Variant, clue: str) -> str:
    name = "withcritic" if variant.use_critic else "withclue" if variant.use_clue else "wordle"
    return _prompt(f"guesser_{name}").format(max_attempts=MAX_ATTEMPTS, clue=clue)


class WordleMaster(GameMaster):
    """Plain wordle; the subclasses below only change the variant."""

    variant: ClassVar[Variant] = WORDLE

    def __init__(self, instance: Instance, demonstrations: int = 0) -> None:
        super().__init__(instance, demonstrations)
        self.clue: str = instance.payload["clue"]
        self.rules = WordleRules(instance.payload["target_word"], self.variant.use_critic)
        self.histories: dict[str, list[Message]] = {
            PLAYERS[GUESSER]: [
                {"role": "user", "content": guesser_prompt(self.variant, self.clue)}
            ],
            PLAYERS[CRITIC]: [],
        }
        self._judged = ""  # the guess the critic is judging

    @property
    def outcome(self) -> Outcome | None:
        """Set once the episode has ended."""
        return self.rules.outcome

    def pending(self) -> Request | None:
        role = self.rules.expects
        if role is None:
            return None
        messages = [dict(message) for message in self.histories[PLAYERS[role]]]
        return Request(PLAYERS[role], role, self.rules.turn, messages)

    def receive(self, response: str) -> Move:
        role = self.rules.expects
        if role is None:
            raise RuntimeError("the episode has ended; there is nothing to answer")
        self.histories[PLAYERS[role]].append({"role": "assistant", "content": response})
        return self._react(self.rules.consume(response))

    def _tell(self, role: str, content: str) -> None:
        if self.rules.expects is not None:  # nothing more is said once the episode has ended
            self.histories[PLAYERS[role]].append({"role": "user", "content": content})

    def _react(self, event: Event) -> Move:
        if event.kind in ("critic_error", "opinion"):
            return self._react_to_opinion(event)
        guess = event.guess
        assert guess is not None
        parsed: dict[str, Any] = {"guess": guess.word, "explanation": guess.explanation}
        if event.kind == "guess_error":
            error = guess.error or ""
            self._tell(GUESSER, RETRY_MESSAGES[error])
            return Move(False, self.rules.abort_reason or f"{error}: {ERRORS[error]}", parsed)
        if event.kind == "to_critic":
            self._consult(guess.word or "", guess.explanation)
            return Move(True, "guess passed to the critic", parsed)
        parsed["feedback"] = render(guess.word or "", event.colors or ())
        self._tell(GUESSER, f"feedback: {parsed['feedback']}")
        if self.rules.outcome == "success":
            return Move(True, "correct guess", parsed)
        if self.rules.outcome == "lost":
            return Move(True, "wrong guess, no attempts left", parsed)
        return Move(True, "wrong guess", parsed)

    def _react_to_opinion(self, event: Event) -> Move:
        opinion = event.opinion
        assert opinion is not None
        parsed = {"agreement": opinion.agreement, "explanation": opinion.explanation}
        if event.kind == "critic_error":
            self._tell(CRITIC, CRITIC_RETRY_MESSAGE)
            return Move(False, self.rules.abort_reason or CRITIC_ERROR, parsed)
        verdict = "agrees" if (opinion.agreement or "").lower() == "yes" else "disagrees"
        self._tell(
            GUESSER,
            f'The critic {verdict} with your guess "{self._judged}".\n'
            f"critic's explanation: {opinion.explanation or '(none)'}\n\n"
            f"clue: {self.clue}\n\n"
            "Now give your final guess for this attempt: keep your guess or change it.",
        )
        return Move(True, f"critic {verdict}", parsed)

    def _consult(self, word: str, explanation: str | None) -> None:
        self._judged = word
        lines = [f"clue: {self.clue}", f"guess: {word}", f"explanation: {explanation or '(none)'}"]
        if self.rules.checked:
            last = self.rules.checked[-1]
            lines.append(f"feedback on the previous guess: {render(last.word, last.colors)}")
        consultation = "\n".join(lines)
        if not self.histories[PLAYERS[CRITIC]]:
            consultation = _prompt("critic").format(consultation=consultation)
        self._tell(CRITIC, consultation)


class WordleWithClueMaster(WordleMaster):
    variant = WORDLE_WITHCLUE


class WordleWithCriticMaster(WordleMaster):
    variant = WORDLE_WITHCRITIC
