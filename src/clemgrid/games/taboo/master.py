"""Step-wise taboo game master (rules of clembench v1.6's taboo, our own wording).

One turn is a clue from the describer (player_1) and a guess from the guesser (player_2); at
most MAX_TURNS turns. A malformed answer aborts the episode, a clue using a taboo word loses it.
"""

from __future__ import annotations

from importlib.resources import files

from clemgrid.backends.base import Message
from clemgrid.games.base import GameMaster, Instance, Move, Outcome, Request
from clemgrid.games.taboo.demonstrations import describer_examples, guesser_examples
from clemgrid.games.taboo.parse import CLUE_TAG, GUESS_TAG, parse_clue, parse_guess

MAX_TURNS = 3  # `max_turns` of every clembench v1.6 taboo experiment
DESCRIBER, GUESSER = "player_1", "player_2"
ROLES = {DESCRIBER: "describer", GUESSER: "guesser"}
CLUE_FORMAT_ERROR = f"invalid format: the clue must start with '{CLUE_TAG}'"
GUESS_FORMAT_ERROR = f"invalid format: the guess must start with '{GUESS_TAG}'"


def _prompt(name: str) -> str:
    return files(__package__).joinpath(f"prompts/{name}.txt").read_text("utf-8").rstrip("\n")


def describer_prompt(target_word: str, related_words: list[str], demonstrations: int = 0) -> str:
    prompt = _prompt("describer").format(
        target_word=target_word,
        taboo_words="\n".join(f"- {word}" for word in related_words),
        max_turns=MAX_TURNS,
    )
    return f"{prompt}\n\n{describer_examples(demonstrations)}" if demonstrations else prompt


def guesser_prompt(demonstrations: int = 0) -> str:
    """Examples go before the closing line that hands over to the first clue."""
    prompt = _prompt("guesser").format(max_turns=MAX_TURNS)
    if not demonstrations:
        return prompt
    body, closing = prompt.rsplit("\n\n", 1)
    return f"{body}\n\n{guesser_examples(demonstrations)}\n\n{closing}"


class TabooMaster(GameMaster):
    """Each player keeps its own chat; the other's raw answer is passed on verbatim, and the
    guesser's first message is its prompt + blank line + the first clue (as clembench does)."""

    def __init__(self, instance: Instance, demonstrations: int = 0) -> None:
        super().__init__(instance, demonstrations)
        self.target_word: str = instance.payload["target_word"]
        self.related_words: list[str] = list(instance.payload["related_words"])
        self.histories: dict[str, list[Message]] = {
            DESCRIBER: [
                {
                    "role": "user",
                    "content": describer_prompt(
                        self.target_word, self.related_words, demonstrations
                    ),
                }
            ],
            GUESSER: [],
        }
        self.turn = 0
        self.outcome: Outcome | None = None  # set once the episode has ended
        self._next: str | None = DESCRIBER

    def pending(self) -> Request | None:
        if self._next is None:
            return None
        messages = [dict(message) for message in self.histories[self._next]]
        return Request(self._next, ROLES[self._next], self.turn, messages)

    def receive(self, response: str) -> Move:
        player = self._next
        if player is None:
            raise RuntimeError("the episode has ended; there is nothing to answer")
        self.histories[player].append({"role": "assistant", "content": response})
        if player == DESCRIBER:
            return self._receive_clue(response)
        return self._receive_guess(response)

    def _end(self, outcome: Outcome) -> None:
        self.outcome = outcome
        self._next = None

    def _tell(self, player: str, content: str) -> None:
        self.histories[player].append({"role": "user", "content": content})
        self._next = player

    def _receive_clue(self, response: str) -> Move:
        clue = parse_clue(response, self.target_word, self.related_words)
        if not clue.well_formed:
            self._end("aborted")
            return Move(False, CLUE_FORMAT_ERROR)
        parsed = {"clue": clue.text}
        if clue.taboo_word is not None:
            self._end("lost")
            return Move(False, f"taboo word: {clue.taboo_word}", {**parsed, "word": clue.clue_word})
        first = not self.histories[GUESSER]
        self._tell(
            GUESSER, f"{guesser_prompt(self.demonstrations)}\n\n{response}" if first else response
        )
        return Move(True, "ok", parsed)

    def _receive_guess(self, response: str) -> Move:
        guess = parse_guess(response)
        if not guess.well_formed:
            self._end("aborted")
            return Move(False, GUESS_FORMAT_ERROR)
        correct = guess.word == self.target_word
        parsed = {"guess": guess.word, "correct": correct}
        if correct:
            self._end("success")
            return Move(True, "correct guess", parsed)
        if self.turn + 1 >= MAX_TURNS:
            self._end("lost")
            return Move(True, "wrong guess, no tries left", parsed)
        self.turn += 1
        self._tell(DESCRIBER, response)
        return Move(True, "wrong guess", parsed)
