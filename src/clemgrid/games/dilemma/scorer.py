"""Pure dilemma scorer: re-reads the raw answer with parse.py (stored verdicts are not trusted).

Quality is the cooperation of a played episode on 0-100: 100 for C and 0 for D; in the
public-goods game 10 x the amount given (the share of the endowment). A game's quality is then
the C-rate in percent of its valid answers (the mean share given, for the public-goods game),
the propensity seed 004 compares between models. It measures a disposition, not skill: a
clemscore over a grid that includes this game mixes the two. Outcome: "success" for the fully
cooperative answer (C, or all 10 dollars), "lost" for any other valid answer, "aborted" for a
strict-format violation. The lenient reading (the original rule) goes to the metrics.
"""

from __future__ import annotations

from collections.abc import Sequence

from clemgrid.games.base import EpisodeScore, Instance, Outcome, TurnRow
from clemgrid.games.dilemma.master import ROLE, format_error, is_public_goods, reading
from clemgrid.games.dilemma.parse import MAX_AMOUNT

NAN = float("nan")


def _response(turns: Sequence[TurnRow]) -> str | None:
    if len(turns) > 1:
        raise ValueError(f"dilemma has one turn, got {len(turns)} rows")
    for row in turns:
        if row["role"] != ROLE or int(row["turn"]) != 0:
            raise ValueError(f"dilemma has one turn of role {ROLE}, got {row['role']!r}")
        return row["response"]
    return None


def cooperation(instance: Instance, value: str | int | None) -> float:
    """0-100 for a reading; NaN when there is none."""
    if value is None:
        return NAN
    if is_public_goods(instance):
        return 100.0 * int(value) / MAX_AMOUNT
    return 100.0 if value == "C" else 0.0


def score(instance: Instance, turns: Sequence[TurnRow]) -> EpisodeScore:
    response = _response(turns)
    answer = reading(instance, response or "")
    strict = cooperation(instance, answer.strict)
    lenient = cooperation(instance, answer.lenient)
    metrics = {
        "Aborted": int(answer.strict is None),
        "Main Score": strict,
        "Cooperation": strict,
        "Lenient Parsed": int(answer.lenient is not None),
        "Lenient Cooperation": lenient,
        "Strict Lenient Agree": (
            NAN if answer.strict is None else int(answer.strict == answer.lenient)
        ),
    }
    if response is None:
        return EpisodeScore("aborted", None, "incomplete episode: no answer", metrics)
    if answer.strict is None:
        return EpisodeScore("aborted", None, format_error(instance), metrics)
    outcome: Outcome = "success" if strict == 100.0 else "lost"
    return EpisodeScore(outcome, strict, None, metrics)
