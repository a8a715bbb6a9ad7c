"""Pure taboo scorer: replays the raw responses of an episode with the rules of parse.py.

Stored verdicts are never trusted, so imported clembench transcripts score the same way.
Metrics follow clembench v1.6's TabooScorer, quirks included: one request per *turn* (not per
model call), a violated request only in the turn of an abort, Main Score = 100 / turns played
on success, 0 when lost, NaN when aborted (as in clembench's scores.json).
clembench's per-turn `Accuracy` (1 from the turn of a correct guess on) is flattened into the
episode metrics as `Accuracy turn <k>` (k 0-based, only for turns played). `Repetition-Guesser`
and `Repetition-Describer` count turns whose cleaned guess / clue equals the previous turn's, as
clembench's pre-April-2024 game master logged them (its later one always gave 0).
"""

from __future__ import annotations

from collections.abc import Sequence

from clemgrid.games.base import EpisodeScore, Instance, Outcome, TurnRow
from clemgrid.games.taboo.master import CLUE_FORMAT_ERROR, GUESS_FORMAT_ERROR, MAX_TURNS
from clemgrid.games.taboo.parse import parse_clue, parse_guess

ROLES = ("describer", "guesser")


def _responses(turns: Sequence[TurnRow]) -> dict[tuple[int, str], str]:
    """Index the rows by (turn, role); a repeated key means a broken transcript."""
    responses: dict[tuple[int, str], str] = {}
    for row in turns:
        key = (int(row["turn"]), row["role"])
        if key[1] not in ROLES:
            raise ValueError(f"taboo has no role {key[1]!r}")
        if key in responses:
            raise ValueError(f"two responses for turn {key[0]}, role {key[1]}")
        responses[key] = row["response"]
    return responses


def _count_repeats(values: list[str]) -> int:
    return sum(1 for before, after in zip(values, values[1:], strict=False) if before == after)


def score(instance: Instance, turns: Sequence[TurnRow]) -> EpisodeScore:
    target = instance.payload["target_word"]
    related = list(instance.payload["related_words"])
    responses = _responses(turns)
    outcome: Outcome = "lost"
    abort_reason: str | None = None
    clues: list[str] = []
    guesses: list[str] = []
    turn = 0
    for turn in range(MAX_TURNS):
        response = responses.get((turn, "describer"))
        if response is None:
            outcome, abort_reason = "aborted", f"incomplete episode: no clue in turn {turn}"
            break
        clue = parse_clue(response, target, related)
        if not clue.well_formed:
            outcome, abort_reason = "aborted", CLUE_FORMAT_ERROR
            break
        if clue.taboo_word is not None:
            break  # lost
        clues.append(clue.text)
        response = responses.get((turn, "guesser"))
        if response is None:
            outcome, abort_reason = "aborted", f"incomplete episode: no guess in turn {turn}"
            break
        guess = parse_guess(response)
        if not guess.well_formed:
            outcome, abort_reason = "aborted", GUESS_FORMAT_ERROR
            break
        guesses.append(guess.word)
        if guess.word == target:
            outcome = "success"
            break
    played_turns = turn + 1
    aborted = outcome == "aborted"
    quality = {"success": 100 / played_turns, "lost": 0.0, "aborted": None}[outcome]
    metrics: dict[str, float] = {
        f"Accuracy turn {t}": float(outcome == "success" and t == turn) for t in range(turn + 1)
    }
    metrics |= {
        "Request Count": played_turns,
        "Parsed Request Count": played_turns - int(aborted),
        "Violated Request Count": int(aborted),
        "Request Success Ratio": (played_turns - int(aborted)) / played_turns,
        "Aborted": int(aborted),
        "Success": int(outcome == "success"),
        "Lose": int(outcome == "lost"),
        "Main Score": float("nan") if quality is None else quality,
        "Repetition-Guesser": _count_repeats(guesses),
        "Repetition-Describer": _count_repeats(clues),
    }
    return EpisodeScore(outcome, quality, abort_reason, metrics)
