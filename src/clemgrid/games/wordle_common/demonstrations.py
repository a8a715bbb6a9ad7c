"""Worked examples for the few-shot variants of the wordle games (`<game>+<k>shot`), by us.

Whole games for the guesser (without a clue for wordle, with one for wordle_withclue, with the
critic's opinions for wordle_withcritic) and single consultations for the critic. The feedback
they show is computed by the game's own rules, never written by hand. They are checked (each
wordle game's tests/test_<game>_demonstrations.py) to use only words of the game's list, none
of them a target of the evaluation instances, and no evaluation clue, and to be won by the rules.
"""

from __future__ import annotations

from typing import NamedTuple, TypeVar

from clemgrid.games.wordle_common.feedback import Feedback, feedback

T = TypeVar("T")


class Answer(NamedTuple):
    """A guesser's answer in the two lines the game asks for."""

    word: str
    explanation: str

    @property
    def text(self) -> str:
        return f"guess: {self.word}\nexplanation: {self.explanation}"


class Opinion(NamedTuple):
    """A critic's answer in the two lines the game asks for."""

    agreement: str  # "yes" or "no"
    explanation: str

    @property
    def text(self) -> str:
        return f"agreement: {self.agreement}\nexplanation: {self.explanation}"


class Attempt(NamedTuple):
    guess: Answer
    opinion: Opinion | None = None  # with a critic: its opinion on `guess` ...
    final: Answer | None = None  # ... and the guesser's final answer, the one checked

    @property
    def checked(self) -> str:
        return (self.final or self.guess).word


class Game(NamedTuple):
    target: str
    clue: str | None
    attempts: tuple[Attempt, ...]  # the last one finds the target


class Consultation(NamedTuple):
    """What the critic is shown, and a good answer."""

    clue: str
    guess: Answer
    previous: str | None  # the previous checked guess, coloured against `target`
    target: str
    opinion: Opinion

    @property
    def shown_feedback(self) -> tuple[str, Feedback] | None:
        """The previous guess with its colours, as the critic is shown them."""
        return (
            None if self.previous is None else (self.previous, feedback(self.previous, self.target))
        )


def _plain(target: str, *guesses: tuple[str, str]) -> Game:
    return Game(target, None, tuple(Attempt(Answer(*guess)) for guess in guesses))


WORDLE_GAMES: tuple[Game, ...] = (
    _plain(
        "plumb",
        ("slate", "Five common letters are a good first try."),
        ("cloud", "l is right in second place and s, a, t, e are out, so I try new letters."),
        ("plumb", "l stays second, u must move away from the fourth place, c, o, d are out."),
    ),
    _plain(
        "gravy",
        ("round", "It tries five frequent letters at once."),
        ("frail", "r is in the word but not first, and o, u, n, d are out: r goes second."),
        ("gravy", "r and a are right, f, i, l are out, and g, v, y fill the other places."),
    ),
    _plain(
        "ocean",
        ("tears", "Five common letters are a good first try."),
        ("alone", "e and a are in the word, but not where I put them; t, r, s are out."),
        ("ocean", "a, o, n, e are all in the word, each in another place than I tried."),
    ),
)

CLUE_GAMES: tuple[Game, ...] = (
    Game(
        "whisk",
        "kitchen tool for beating eggs",
        (
            Attempt(Answer("mixer", "A mixer beats eggs, and the word has five letters.")),
            Attempt(Answer("whisk", "Only i is in the word, not second; a whisk beats eggs.")),
        ),
    ),
    Game(
        "pouch",
        "kangaroo's pocket",
        (Attempt(Answer("pouch", "A kangaroo carries its young in a pouch.")),),
    ),
    Game(
        "flare",
        "sudden burst of flame",
        (
            Attempt(Answer("blaze", "A blaze is a burst of flame, with five letters.")),
            Attempt(Answer("flare", "l, a, e are right and b, z are out; a flare flames up.")),
        ),
    ),
)

CRITIC_GAMES: tuple[Game, ...] = (
    Game(
        "whisk",
        "kitchen tool for beating eggs",
        (
            Attempt(
                Answer("mixer", "A mixer beats eggs, and the word has five letters."),
                Opinion("no", "A mixer is a machine; the clue sounds like a simple hand tool."),
                Answer("whisk", "The critic is right that a hand tool fits better: a whisk."),
            ),
        ),
    ),
    Game(
        "pouch",
        "kangaroo's pocket",
        (
            Attempt(
                Answer("pouch", "A kangaroo carries its young in a pouch."),
                Opinion("yes", "A pouch is the pocket of a kangaroo."),
                Answer("pouch", "The critic agrees, and the word fits the clue, so I keep it."),
            ),
        ),
    ),
    Game(
        "flare",
        "sudden burst of flame",
        (
            Attempt(
                Answer("blaze", "A blaze is a burst of flame, with five letters."),
                Opinion("yes", "A blaze fits the clue, and there is no feedback yet."),
                Answer("blaze", "The critic agrees, so I keep it."),
            ),
            Attempt(
                Answer("flare", "l, a, e are right and b, z are out; a flare flames up."),
                Opinion("yes", "It keeps l, a, e in place, avoids b and z, and fits the clue."),
                Answer("flare", "The critic agrees, so I keep it."),
            ),
        ),
    ),
)

CONSULTATIONS: tuple[Consultation, ...] = (
    Consultation(
        "kitchen tool for beating eggs",
        Answer("whisk", "A whisk beats eggs, and the word has five letters."),
        None,
        "whisk",
        Opinion("yes", "A whisk is the hand tool for beating eggs; there is no feedback yet."),
    ),
    Consultation(
        "sudden burst of flame",
        Answer("blame", "l, a and e stay where the feedback put them."),
        "blaze",
        "flare",
        Opinion("no", "The feedback shows that b is not in the word, and blame is no flame."),
    ),
    Consultation(
        "kangaroo's pocket",
        Answer("pouch", "p is right, u belongs elsewhere, and a kangaroo has a pouch."),
        "purse",
        "pouch",
        Opinion("yes", "A pouch fits the clue, keeps p first, moves u and avoids r, s, e."),
    ),
)

MAX_DEMONSTRATIONS = min(map(len, (WORDLE_GAMES, CLUE_GAMES, CRITIC_GAMES, CONSULTATIONS)))


def chosen(demonstrations: tuple[T, ...], k: int) -> tuple[T, ...]:
    """The first k; asking for more than there are is an error, not fewer shots."""
    if not 0 <= k <= len(demonstrations):
        raise ValueError(f"there are {len(demonstrations)} wordle demonstrations, not {k}")
    return demonstrations[:k]
