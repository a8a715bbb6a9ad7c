"""Step-wise imagegame master (rules of clembench v1.6's imagegame, our own wording).

Each turn the instruction giver (player_1), who sees the target grid, gives one instruction and
the follower (player_2) answers with its whole grid; at most grid_dimension² turns. The giver
ends the game with "Instruction: DONE". A malformed instruction or grid aborts the episode.
The episode's quality is the cell F1 of the last grid (success from F1 ≥ 99, else lost).
"""

from __future__ import annotations

from clemgrid.games.base import Instance, Move, Outcome, insert_examples
from clemgrid.games.dialogue import DialogueMaster, prompt_loader
from clemgrid.games.imagegame.demonstrations import chosen
from clemgrid.games.imagegame.parse import (
    EMPTY,
    CellScores,
    compare,
    empty_grid,
    is_done,
    is_grid,
    parse_instruction,
)

GIVER, FOLLOWER = "player_1", "player_2"
ROLES = {GIVER: "instruction_giver", FOLLOWER: "instruction_follower"}
INSTRUCTION_FORMAT_ERROR = (
    "invalid format: the instruction must be one line starting with 'Instruction: '"
)
GRID_FORMAT_ERROR = "invalid format: the answer must be the grid only"
SUCCESS_F1 = 99  # clembench: success iff the last F1 is at least 99


_prompt = prompt_loader(__package__)


def max_turns(payload: dict) -> int:
    return payload["grid_dimension"] ** 2


def question() -> str:
    """What the giver is asked each turn (the end of its first message, then alone)."""
    return _prompt("question")


def giver_examples(k: int) -> str:
    """Whole games seen by the giver: each grid, then its answers up to DONE ("" for k = 0)."""
    if not k:
        return ""
    blocks = [
        f"Example {i}. The grid:\n\n{demo.target}\n\nGood answers, one per question:\n"
        + "\n".join([*(step.instruction for step in demo.steps), "Instruction: DONE"])
        for i, demo in enumerate(chosen(k), start=1)
    ]
    return "\n\n".join(["Here are examples with other grids; your own grid follows them.", *blocks])


def follower_examples(k: int) -> str:
    """Whole games seen by the follower: each instruction and the grid answered to it."""
    if not k:
        return ""
    blocks = [
        f"Example {i}.\n"
        + "\n".join(f"{step.instruction}\nYour answer:\n{step.grid}" for step in demo.steps)
        for i, demo in enumerate(chosen(k), start=1)
    ]
    return "\n\n".join(
        [
            "Here are examples of whole games with other grids, each from the empty grid; your"
            " own game follows them.",
            *blocks,
        ]
    )


def giver_prompt(payload: dict, demonstrations: int = 0) -> str:
    """Examples go between the introduction and the target grid, which stays the last grid."""
    prompt = _prompt("giver").format(
        dimension=payload["grid_dimension"],
        target_grid=payload["target_grid"].strip("\n"),
        max_turns=max_turns(payload),
        question=question(),
    )
    return insert_examples(prompt, "This is the grid", giver_examples(demonstrations))


def follower_prompt(payload: dict, instruction: str, demonstrations: int = 0) -> str:
    """Examples go before the closing paragraph that hands over the first instruction."""
    dimension = payload["grid_dimension"]
    example = empty_grid(dimension)
    prompt = _prompt("follower").format(
        dimension=dimension,
        empty_grid=example,
        example_grid=example[: -len(EMPTY)] + "K",
        instruction=instruction,
    )
    return insert_examples(
        prompt, "Here is the first instruction:", follower_examples(demonstrations)
    )


def outcome_of(scores: CellScores) -> Outcome:
    return "success" if scores.f1 >= SUCCESS_F1 else "lost"


class ImageGameMaster(DialogueMaster):
    """The giver is asked the same question every turn after the first; the follower gets the
    first line of each valid instruction, the first one after its prompt (as clembench does)."""

    roles = ROLES

    def __init__(self, instance: Instance, demonstrations: int = 0) -> None:
        super().__init__(instance, demonstrations)
        self.payload = instance.payload
        self.scores = CellScores(0.0, 0.0, 0.0)  # of the last grid clembench could compare
        self.tell(GIVER, giver_prompt(self.payload, demonstrations))

    def opening(self, player: str, content: str) -> str:
        if player == FOLLOWER:
            return follower_prompt(self.payload, content, self.demonstrations)
        return content

    def respond(self, player: str, response: str) -> Move:
        if player == GIVER:
            return self._receive_instruction(response)
        return self._receive_grid(response)

    def _receive_instruction(self, response: str) -> Move:
        if is_done(response, self.payload["player_1_terminate_pattern"]):
            self.end(outcome_of(self.scores))
            return Move(True, "done", {"done": True})
        instruction = parse_instruction(response, self.payload["player_1_response_pattern"])
        if not instruction.well_formed:
            self.end("aborted")
            return Move(False, INSTRUCTION_FORMAT_ERROR)
        self.tell(FOLLOWER, instruction.line)
        return Move(True, "ok", {"instruction": instruction.line})

    def _receive_grid(self, response: str) -> Move:
        if not is_grid(response, self.payload["player_2_response_pattern"]):
            self.end("aborted")
            return Move(False, GRID_FORMAT_ERROR)
        self.scores = compare(self.payload["target_grid"], response) or self.scores
        self.turn += 1
        if self.turn >= max_turns(self.payload):
            self.end(outcome_of(self.scores))
            return Move(True, "no turns left", self.scores._asdict())
        self.tell(GIVER, question())
        return Move(True, "ok", self.scores._asdict())
