"""Step-wise taboo game master (rules of clembench v1.6's taboo, our own wording).

One turn is a clue from the describer (player_1) and a guess from the guesser (player_2); at
most MAX_TURNS turns. A malformed answer aborts the episode, a clue using a taboo word loses it.
"""

from __future__ import annotations

from clemgrid.games.base import Instance, Move
from clemgrid.games.dialogue import DialogueMaster, merged, prompt_loader
from clemgrid.games.taboo.demonstrations import describer_examples, guesser_examples
from clemgrid.games.taboo.parse import CLUE_TAG, GUESS_TAG, parse_clue, parse_guess

MAX_TURNS = 3  # `max_turns` of every clembench v1.6 taboo experiment
DESCRIBER, GUESSER = "player_1", "player_2"
ROLES = {DESCRIBER: "describer", GUESSER: "guesser"}
CLUE_FORMAT_ERROR = f"invalid format: the clue must start with '{CLUE_TAG}'"
GUESS_FORMAT_ERROR = f"invalid format: the guess must start with '{GUESS_TAG}'"


_prompt = prompt_loader(__package__)


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


class TabooMaster(DialogueMaster):
    """Each player keeps its own chat; the other's raw answer is passed on verbatim, and the
    guesser's first message is its prompt + blank line + the first clue (as clembench does)."""

    roles = ROLES

    def __init__(self, instance: Instance, demonstrations: int = 0) -> None:
        super().__init__(instance, demonstrations)
        self.target_word: str = instance.payload["target_word"]
        self.related_words: list[str] = list(instance.payload["related_words"])
        self.tell(DESCRIBER, describer_prompt(self.target_word, self.related_words, demonstrations))

    def opening(self, player: str, content: str) -> str:
        return (
            merged(guesser_prompt(self.demonstrations), content) if player == GUESSER else content
        )

    def respond(self, player: str, response: str) -> Move:
        if player == DESCRIBER:
            return self._receive_clue(response)
        return self._receive_guess(response)

    def _receive_clue(self, response: str) -> Move:
        clue = parse_clue(response, self.target_word, self.related_words)
        if not clue.well_formed:
            self.end("aborted")
            return Move(False, CLUE_FORMAT_ERROR)
        parsed = {"clue": clue.text}
        if clue.taboo_word is not None:
            self.end("lost")
            return Move(False, f"taboo word: {clue.taboo_word}", {**parsed, "word": clue.clue_word})
        self.tell(GUESSER, response)
        return Move(True, "ok", parsed)

    def _receive_guess(self, response: str) -> Move:
        guess = parse_guess(response)
        if not guess.well_formed:
            self.end("aborted")
            return Move(False, GUESS_FORMAT_ERROR)
        correct = guess.word == self.target_word
        parsed = {"guess": guess.word, "correct": correct}
        if correct:
            self.end("success")
            return Move(True, "correct guess", parsed)
        if self.turn + 1 >= MAX_TURNS:
            self.end("lost")
            return Move(True, "wrong guess, no tries left", parsed)
        self.turn += 1
        self.tell(DESCRIBER, response)
        return Move(True, "wrong guess", parsed)
