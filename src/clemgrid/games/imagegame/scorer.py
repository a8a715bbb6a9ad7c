"""Pure imagegame scorer: replays the raw responses of an episode with the rules of parse.py.

Stored verdicts are never trusted, so imported clembench transcripts score the same way.
Metrics follow clembench v1.6's ImageGameScorer, quirks included: the giver's final "DONE" is
not a request; a grid clembench cannot compare (no letters, a short row) keeps the previous
turn's Precision/Recall/F1 and counts 0 changed cells; Main Score = F1 of the last grid (0-100),
NaN when aborted (and Precision, Recall, F1 and the averages with it). clembench's per-turn
`Precision`, `Recall`, `F1` and `Changed Cell Count` are flattened into the episode metrics as
`<name> turn <k>` (k 0-based, only for turns with a valid grid).
One deviation: when the giver says DONE before any grid (turn 0), clembench's scorer divides
by zero and writes no scores, so the episode drops out of its tables; we score it as lost with
the F1 of the empty grid, 0, and NaN averages.
"""

from __future__ import annotations

from collections.abc import Sequence

from clemgrid.games.base import EpisodeScore, Instance, Outcome, TurnRow
from clemgrid.games.imagegame.master import (
    GRID_FORMAT_ERROR,
    INSTRUCTION_FORMAT_ERROR,
    max_turns,
    outcome_of,
)
from clemgrid.games.imagegame.parse import (
    CellScores,
    changed_cells,
    compare,
    empty_grid,
    is_done,
    is_grid,
    parse_instruction,
)

ROLES = ("instruction_giver", "instruction_follower")
TAG = "Instruction:"  # clembench strips it (case-sensitively) before measuring an instruction
NAN = float("nan")


def _responses(turns: Sequence[TurnRow], limit: int) -> dict[tuple[int, str], str]:
    """Index the rows by (turn, role); a repeated key or a turn past the limit is broken."""
    responses: dict[tuple[int, str], str] = {}
    for row in turns:
        key = (int(row["turn"]), row["role"])
        if key[1] not in ROLES:
            raise ValueError(f"imagegame has no role {key[1]!r}")
        if not 0 <= key[0] < limit:
            raise ValueError(f"turn {key[0]} is outside the game's {limit} turns")
        if key in responses:
            raise ValueError(f"two responses for turn {key[0]}, role {key[1]}")
        responses[key] = row["response"]
    return responses


def _average(total: float, count: int) -> float:
    return round(total / count, 4) if count else NAN


def score(instance: Instance, turns: Sequence[TurnRow]) -> EpisodeScore:
    payload = instance.payload
    limit = max_turns(payload)
    responses = _responses(turns, limit)
    abort_reason: str | None = None
    scores = CellScores(0.0, 0.0, 0.0)
    previous_grid = empty_grid(payload["grid_dimension"])
    requests = parsed = played = 0
    length_sum = tokens_sum = changed_sum = 0
    metrics: dict[str, float] = {}
    for turn in range(limit):
        giver = responses.get((turn, "instruction_giver"))
        if giver is None:
            abort_reason = f"incomplete episode: no instruction in turn {turn}"
            break
        if is_done(giver, payload["player_1_terminate_pattern"]):
            break
        requests += 1
        instruction = parse_instruction(giver, payload["player_1_response_pattern"])
        if not instruction.well_formed:
            abort_reason = INSTRUCTION_FORMAT_ERROR
            break
        parsed += 1
        grid = responses.get((turn, "instruction_follower"))
        if grid is None:
            abort_reason = f"incomplete episode: no grid in turn {turn}"
            break
        requests += 1
        if not is_grid(grid, payload["player_2_response_pattern"]):
            abort_reason = GRID_FORMAT_ERROR
            break
        parsed += 1
        played += 1
        scores = compare(payload["target_grid"], grid) or scores
        text = instruction.line.replace(TAG, "").strip()
        length_sum += len(text)
        tokens_sum += len(text.split(" "))
        changed = changed_cells(previous_grid, grid) or 0
        changed_sum += changed
        previous_grid = grid
        metrics |= {
            f"Precision turn {turn}": scores.precision,
            f"Recall turn {turn}": scores.recall,
            f"F1 turn {turn}": scores.f1,
            f"Changed Cell Count turn {turn}": changed,
        }
    outcome: Outcome = "aborted" if abort_reason else outcome_of(scores)
    aborted = outcome == "aborted"
    quality = None if aborted else scores.f1
    metrics |= {
        "Request Count": requests,
        "Parsed Request Count": parsed,
        "Violated Request Count": requests - parsed,
        "Request Success Ratio": round(parsed / requests, 4) if requests else 0.0,
        "Aborted": int(aborted),
        "Success": int(outcome == "success"),
        "Lose": int(outcome == "lost"),
        "Main Score": NAN if quality is None else quality,
        "Precision": NAN if aborted else scores.precision,
        "Recall": NAN if aborted else scores.recall,
        "F1": NAN if aborted else scores.f1,
        "Average Changed Cell Count": NAN if aborted else _average(changed_sum, played),
        "Average Generated Instruction Length": NAN if aborted else _average(length_sum, played),
        "Average Generated Expression Number of Tokens": (
            NAN if aborted else _average(tokens_sum, played)
        ),
    }
    return EpisodeScore(outcome, quality, abort_reason, metrics)
