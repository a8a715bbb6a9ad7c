"""Pure wordle scorer: replays the raw answers of an episode through rules.py.

Stored verdicts are never trusted, so imported clembench transcripts score the same way.
Metrics follow clembench v1.6's WordleGameScorer, quirks included. Turn metrics are flattened
as `<metric> turn <k>`, k counting checked guesses from 1 as clembench's turn keys do:
`Request Count`, `Parsed Request Count`, `Violated Request Count` (the answers since the
previous checked guess; the answers after the last one, e.g. those of an abort, are only in the
episode totals), `closeness score`, `strategy score` and, with a critic, `change_of_opinion`.
Without any checked guess clembench logs NaN closeness/strategy (and change_of_opinion) for turn 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from clemgrid.games.base import EpisodeScore, Instance, Outcome, TurnRow
from clemgrid.games.wordle_common.feedback import closeness, strategy_scores
from clemgrid.games.wordle_common.rules import Checked, WordleRules
from clemgrid.games.wordle_common.variants import Variant

NAN = math.nan


def _ordered(turns: Sequence[TurnRow]) -> list[TurnRow]:
    """The rows in play order (by `step`); a repeated step means a broken transcript."""
    rows = sorted(turns, key=lambda row: int(row["step"]))
    steps = [int(row["step"]) for row in rows]
    if len(set(steps)) != len(steps):
        raise ValueError("two responses for the same step")
    return rows


def _replay(variant: Variant, target: str, turns: Sequence[TurnRow]) -> WordleRules:
    rules = WordleRules(target, variant.use_critic)
    for row in _ordered(turns):
        if rules.expects is None:
            raise ValueError(f"a response at step {row['step']} after the episode ended")
        if row["role"] != rules.expects:
            raise ValueError(
                f"step {row['step']}: a {rules.expects} response was due, not a {row['role']!r} one"
            )
        rules.consume(row["response"])
    return rules


def _turn_metrics(checked: list[Checked], aborted: bool, use_critic: bool) -> dict[str, float]:
    metrics: dict[str, float] = {}
    requests = parsed = 0
    for k, guess in enumerate(checked, start=1):
        metrics[f"Request Count turn {k}"] = guess.requests - requests
        metrics[f"Parsed Request Count turn {k}"] = guess.parsed - parsed
        metrics[f"Violated Request Count turn {k}"] = (guess.requests - requests) - (
            guess.parsed - parsed
        )
        requests, parsed = guess.requests, guess.parsed
    closeness_scores = [float(closeness(g.colors)) for g in checked] or [NAN]
    strategy = strategy_scores([(g.word, g.colors) for g in checked], aborted)
    for k, value in enumerate(closeness_scores, start=1):
        metrics[f"closeness score turn {k}"] = value
    for k, value in enumerate(strategy, start=1):
        metrics[f"strategy score turn {k}"] = value
    if use_critic:
        changes = [float(g.judged != g.word) for g in checked] or [NAN]
        for k, value in enumerate(changes, start=1):
            metrics[f"change_of_opinion turn {k}"] = value
    return metrics


def _critic_metrics(checked: list[Checked]) -> dict[str, float]:
    """How often the guesser kept / changed its guess after the critic agreed / disagreed.

    As in clembench, only the exact spelling "yes" counts as agreement ("Yes" counts as
    disagreement), a share is 0 when its denominator is, and all are NaN without any opinion.
    """
    names = {
        (True, False): "Repetition-Guesser-On-Critic-Agreement",
        (True, True): "Non-Repetition-Guesser-On-Critic-Agreement",
        (False, False): "Repetition-Guesser-On-Critic-Disagreement",
        (False, True): "Non-Repetition-Guesser-On-Critic-Disagreement",
    }
    if not checked:
        return dict.fromkeys(names.values(), NAN)
    metrics = {}
    for (agreed, changed), name in names.items():
        group = [g for g in checked if (g.agreement == "yes") == agreed]
        hits = sum(1 for g in group if (g.judged != g.word) == changed)
        metrics[name] = round(hits / len(group), 2) if group else 0
    return metrics


def score(variant: Variant, instance: Instance, turns: Sequence[TurnRow]) -> EpisodeScore:
    rules = _replay(variant, instance.payload["target_word"], turns)
    outcome: Outcome = rules.outcome or "aborted"
    abort_reason = rules.abort_reason
    if rules.outcome is None:
        abort_reason = (
            f"incomplete episode: no {rules.expects} response after {len(turns)} responses"
        )
    aborted = outcome == "aborted"
    checked = rules.checked
    guesses = [g.word for g in checked]
    quality = variant.speed(len(checked)) if outcome == "success" else None if aborted else 0.0
    metrics: dict[str, float] = {
        "Request Count": rules.requests,
        "Parsed Request Count": rules.parsed,
        "Violated Request Count": rules.requests - rules.parsed,
        "Request Success Ratio": round(rules.parsed / rules.requests, 2) if rules.requests else NAN,
        "Aborted": int(aborted),
        "Success": int(outcome == "success"),
        "Lose": int(outcome == "lost"),
        "Main Score": NAN if quality is None else quality,
        "repeats guess": NAN if aborted else int(len(set(guesses)) != len(guesses)),
        "total guess repetitions": NAN if aborted else len(guesses) - len(set(guesses)),
    }
    if variant.use_critic:
        metrics |= _critic_metrics(checked)
    metrics |= _turn_metrics(checked, aborted, variant.use_critic)
    return EpisodeScore(outcome, quality, abort_reason, metrics)
