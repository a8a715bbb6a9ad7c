"""Step-wise game master of the wordle games (rules in rules.py, our own wording).

The guesser (player_1) and, in wordle_withcritic, the critic (player_2) each keep their own
chat: their raw answers, then the game master's reply (feedback, the critic's opinion, or a
request to retry). The letter feedback is computed here, not by a model.
"""

from __future__ import annotations

from typing import Any, ClassVar

from clemgrid.games.base import Instance, Move, insert_examples
from clemgrid.games.dialogue import DialogueMaster, prompt_loader
from clemgrid.games.wordle_common.demonstrations import (
    CLUE_GAMES,
    CONSULTATIONS,
    CRITIC_GAMES,
    WORDLE_GAMES,
    chosen,
)
from clemgrid.games.wordle_common.feedback import Feedback, feedback, render
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


_prompt = prompt_loader(__package__)


def critic_report(verdict: str, judged: str, explanation: str | None) -> str:
    """How the guesser hears the critic's opinion (`verdict`: "agrees" or "disagrees")."""
    return (
        f'The critic {verdict} with your guess "{judged}".\n'
        f"critic's explanation: {explanation or '(none)'}"
    )


def consultation(
    clue: str, word: str, explanation: str | None, previous: tuple[str, Feedback] | None
) -> str:
    """What the critic is shown of a guess; from the second attempt on, with the feedback on
    the previous checked guess (`previous`: that word and its colours)."""
    lines = [f"clue: {clue}", f"guess: {word}", f"explanation: {explanation or '(none)'}"]
    if previous is not None:
        lines.append(f"feedback on the previous guess: {render(*previous)}")
    return "\n".join(lines)


def guesser_examples(variant: Variant, k: int) -> str:
    """Whole games with other secret words, as the guesser's chat would show them."""
    games = CRITIC_GAMES if variant.use_critic else CLUE_GAMES if variant.use_clue else WORDLE_GAMES
    blocks = []
    for i, game in enumerate(chosen(games, k), start=1):
        lines = [f'Example {i}. The clue is "{game.clue}".' if game.clue else f"Example {i}."]
        for attempt in game.attempts:
            lines.append(attempt.guess.text)
            if attempt.opinion is not None and attempt.final is not None:
                verdict = "agrees" if attempt.opinion.agreement == "yes" else "disagrees"
                report = critic_report(verdict, attempt.guess.word, attempt.opinion.explanation)
                lines += [report, attempt.final.text]
            colors = feedback(attempt.checked, game.target)
            lines.append(f"feedback: {render(attempt.checked, colors)}")
        blocks.append("\n".join(lines))
    if not blocks:
        return ""
    turns = (
        "your answers, my reports of the critic's opinion" if variant.use_critic else "your answers"
    )
    header = f"Here are examples of whole games with other secret words: {turns} and my feedback."
    return "\n\n".join([header, *blocks])


def critic_examples(k: int) -> str:
    """Consultations about other secret words, each with a good answer."""
    blocks = [
        f"Example {i}. I show you:\n"
        + consultation(demo.clue, demo.guess.word, demo.guess.explanation, demo.shown_feedback)
        + f"\nA good answer:\n{demo.opinion.text}"
        for i, demo in enumerate(chosen(CONSULTATIONS, k), start=1)
    ]
    if not blocks:
        return ""
    return "\n\n".join(["Here are examples with other secret words.", *blocks])


def guesser_prompt(variant: Variant, clue: str, demonstrations: int = 0) -> str:
    """Examples go before the closing paragraph, so the instance's clue stays the last line."""
    name = "withcritic" if variant.use_critic else "withclue" if variant.use_clue else "wordle"
    prompt = _prompt(f"guesser_{name}").format(max_attempts=MAX_ATTEMPTS, clue=clue)
    return insert_examples(
        prompt, "Make your first guess.", guesser_examples(variant, demonstrations)
    )


def critic_prompt(first_consultation: str, demonstrations: int = 0) -> str:
    """Examples go before the closing paragraph that hands over the first consultation."""
    prompt = _prompt("critic").format(consultation=first_consultation)
    return insert_examples(prompt, "Here is the first guess.", critic_examples(demonstrations))


class WordleMaster(DialogueMaster):
    """Plain wordle; the subclasses below only change the variant. WordleRules decides who
    answers next, the turn and the outcome; this class keeps the chats in step with it."""

    variant: ClassVar[Variant] = WORDLE
    roles = {player: role for role, player in PLAYERS.items()}

    def __init__(self, instance: Instance, demonstrations: int = 0) -> None:
        super().__init__(instance, demonstrations)
        self.clue: str = instance.payload["clue"]
        self.rules = WordleRules(instance.payload["target_word"], self.variant.use_critic)
        self._judged = ""  # the guess the critic is judging
        self.tell(PLAYERS[GUESSER], guesser_prompt(self.variant, self.clue, demonstrations))

    def opening(self, player: str, content: str) -> str:
        return critic_prompt(content, self.demonstrations) if player == PLAYERS[CRITIC] else content

    def respond(self, player: str, response: str) -> Move:
        move = self._react(self.rules.consume(response))
        self.turn, self.outcome = self.rules.turn, self.rules.outcome
        self.next_player = None if self.rules.expects is None else PLAYERS[self.rules.expects]
        return move

    def _tell(self, role: str, content: str) -> None:
        if self.rules.expects is not None:  # nothing more is said once the episode has ended
            self.tell(PLAYERS[role], content)

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
            f"{critic_report(verdict, self._judged, opinion.explanation)}\n\n"
            f"clue: {self.clue}\n\n"
            "Now give your final guess for this attempt: keep your guess or change it.",
        )
        return Move(True, f"critic {verdict}", parsed)

    def _consult(self, word: str, explanation: str | None) -> None:
        self._judged = word
        last = self.rules.checked[-1] if self.rules.checked else None
        shown = consultation(
            self.clue, word, explanation, None if last is None else (last.word, last.colors)
        )
        self._tell(CRITIC, shown)


class WordleWithClueMaster(WordleMaster):
    variant = WORDLE_WITHCLUE


class WordleWithCriticMaster(WordleMaster):
    variant = WORDLE_WITHCRITIC
