"""The rules of clembench v1.6's wordle family as a pure state machine over raw answers.

It knows nothing of prompts: the game master wraps it with messages, and the scorer replays a
stored transcript through it, so play and re-scoring apply the very same rules.

One attempt: the guesser answers until its guess is valid (errors cost no attempt, but only a
few retries are allowed); with a critic, the critic then judges that guess and the guesser gives
its final guess for the attempt, again retried until valid; that guess is checked (coloured).
The episode is won when a checked guess is all green, lost after 6 checked guesses, and aborted
when an error persists beyond its retries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

from clemgrid.games.base import Outcome
from clemgrid.games.wordle_common.feedback import Feedback, feedback, solved
from clemgrid.games.wordle_common.parse import (
    AGREEMENT_TAG,
    GUESS_TAG,
    INVALID_FORMAT,
    INVALID_WORD,
    INVALID_WORD_LENGTH,
    NOT_VALID_ENGLISH_WORD,
    Guess,
    Opinion,
    parse_guess,
    parse_opinion,
)

GUESSER, CRITIC = "guesser", "critic"
MAX_ATTEMPTS = 6  # `max_attempts_per_game`
MAX_FORMAT_RETRIES = 2  # `max_retry_per_error`: re-prompts after a format/word/length error
MAX_WORD_RETRIES = 5  # `max_retry_invalid_word`: re-prompts after a word not in the list
MAX_CRITIC_RETRIES = 2  # `max_retry_per_error` again (clembench's critic loop never gave up)

ERRORS = {
    INVALID_FORMAT: f"no line starting with '{GUESS_TAG}'",
    INVALID_WORD: "the guess is not letters only",
    INVALID_WORD_LENGTH: "the guess does not have 5 letters",
    NOT_VALID_ENGLISH_WORD: "the guess is not in the game's word list",
}
CRITIC_ERROR = f"critic {INVALID_FORMAT} (no line '{AGREEMENT_TAG} yes' or '{AGREEMENT_TAG} no')"

_GUESSES_PER_ATTEMPT = 1 + MAX_FORMAT_RETRIES + MAX_WORD_RETRIES * (1 + MAX_FORMAT_RETRIES)
"""The most guesser answers one valid guess can take: 2 format errors, then 5 times a listless
word followed by 2 format errors (a listless word resets the format retries), then a word."""


def max_requests(use_critic: bool) -> int:
    """The most answers an episode can take: 108 without a critic, 234 with one."""
    per_attempt = _GUESSES_PER_ATTEMPT
    if use_critic:
        per_attempt += 1 + MAX_CRITIC_RETRIES + _GUESSES_PER_ATTEMPT
    return MAX_ATTEMPTS * per_attempt


@dataclass(frozen=True)
class Checked:
    """A guess that used up an attempt."""

    word: str
    colors: Feedback
    requests: int  # answers so far (guesser and critic), this guess's included
    parsed: int  # of those, the parsed ones (valid, or a well-formed word not in the list)
    judged: str | None = None  # with a critic: the guess it judged (before its opinion)
    agreement: str | None = None  # with a critic: its verdict as written ("yes", "No", ...)


class Event(NamedTuple):
    """What one answer did; the game master turns it into the next message."""

    kind: Literal["guess_error", "to_critic", "critic_error", "opinion", "checked"]
    guess: Guess | None = None
    opinion: Opinion | None = None
    colors: Feedback | None = None


class WordleRules:
    """Consumes the answers of one episode in order; `expects` says whose answer comes next."""

    def __init__(self, target: str, use_critic: bool) -> None:
        self.target = target
        self.use_critic = use_critic
        self.checked: list[Checked] = []
        self.expects: str | None = GUESSER  # None once the episode has ended
        self.outcome: Outcome | None = None
        self.abort_reason: str | None = None
        self.requests = 0
        self.parsed = 0
        self._error: str | None = None  # the guesser's last error, pending a retry
        self._format_retries = 0
        self._word_retries = 0
        self._critic_failed = False
        self._critic_retries = 0
        self._judged: Guess | None = None  # the guess before the critic's opinion
        self._opinion: Opinion | None = None

    @property
    def turn(self) -> int:
        """0-based attempt the next answer belongs to."""
        return len(self.checked)

    def consume(self, response: str) -> Event:
        if self.expects is None:
            raise RuntimeError("the episode has ended; there is nothing to answer")
        self.requests += 1
        if self.expects == CRITIC:
            return self._consume_opinion(response)
        return self._consume_guess(response)

    def _end(self, outcome: Outcome, abort_reason: str | None = None) -> None:
        self.outcome, self.abort_reason, self.expects = outcome, abort_reason, None

    def _consume_guess(self, response: str) -> Event:
        if self._error == NOT_VALID_ENGLISH_WORD:
            self._word_retries += 1
        elif self._error is not None:
            self._format_retries += 1
        guess = parse_guess(response)
        self._error = guess.error
        if guess.error in (None, NOT_VALID_ENGLISH_WORD):
            self.parsed += 1  # clembench counts a listless word as a parsed request
            self._format_retries = 0
        if guess.error is not None:
            if guess.error == NOT_VALID_ENGLISH_WORD:
                exhausted = self._word_retries >= MAX_WORD_RETRIES
            else:
                exhausted = self._format_retries >= MAX_FORMAT_RETRIES
            if exhausted:
                self._end("aborted", f"{guess.error} ({ERRORS[guess.error]}), no retries left")
            return Event("guess_error", guess=guess)
        self._word_retries = 0
        if self.use_critic and self._judged is None:
            self._judged = guess
            self.expects = CRITIC
            return Event("to_critic", guess=guess)
        return self._check(guess)

    def _consume_opinion(self, response: str) -> Event:
        if self._critic_failed:
            self._critic_retries += 1
        opinion = parse_opinion(response)
        self._critic_failed = opinion.agreement is None
        if self._critic_failed:
            if self._critic_retries >= MAX_CRITIC_RETRIES:
                self._end("aborted", f"{CRITIC_ERROR}, no retries left")
            return Event("critic_error", opinion=opinion)
        self.parsed += 1
        self._critic_retries = 0
        self._opinion = opinion
        self.expects = GUESSER
        return Event("opinion", opinion=opinion)

    def _check(self, guess: Guess) -> Event:
        word = guess.word or ""  # a valid guess always has its word
        colors = feedback(word, self.target)
        self.checked.append(
            Checked(
                word,
                colors,
                self.requests,
                self.parsed,
                self._judged.word if self._judged else None,
                self._opinion.agreement if self._opinion else None,
            )
        )
        self._judged = self._opinion = None
        if solved(colors):
            self._end("success")
        elif len(self.checked) == MAX_ATTEMPTS:
            self._end("lost")
        return Event("checked", guess=guess, colors=colors)
