"""Pure privateshared scorer: replays the raw responses through the game master's rules.

Which question a response answered (a probe, its retry, or a request) depends on the earlier
answers, so the scorer replays the episode in `step` order through a fresh game master and
scores what it recorded; stored verdicts are never trusted, so imported clembench transcripts
score the same way. Metrics follow clembench v1.6's PrivateSharedScorer: over the probing
rounds played, `Accuracy` and Cohen's `Kappa` of the probe answers against the ground truth,
`Truncated Kappa` = max(0, Kappa), `Slot-Filling-Accuracy` = share of requests whose answer
holds the slot's value; Main Score = 100 × harmonic mean of Slot-Filling-Accuracy and
Truncated Kappa (0 when both are 0), NaN when aborted (as are the other four). Success needs
Accuracy 1 and Slot-Filling-Accuracy 1. `Middle-Accuracy` is the accuracy of the middle round
((slots + 1) // 2 - 1), present only when that round was played. Per-round `Accuracy` and
`Slot Filled?` (rounds ≥ 1) are flattened into the metrics as `<name> turn <k>`.
"""

from __future__ import annotations

from collections.abc import Sequence

from clemgrid.games.base import EpisodeScore, Instance, Outcome, TurnRow
from clemgrid.games.privateshared.master import ROLE, PrivateSharedMaster, Record

NAN = float("nan")


def accuracy(gold: Sequence[int], pred: Sequence[int]) -> float:
    return sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)


def cohen_kappa(gold: Sequence[int], pred: Sequence[int]) -> float:
    """Cohen's kappa computed as scikit-learn's cohen_kappa_score does (1 - observed /
    expected disagreement); NaN when no disagreement is expected (one label only)."""
    labels = sorted(set(gold) | set(pred))
    pairs = list(zip(gold, pred, strict=True))
    gold_counts = {label: sum(g == label for g in gold) for label in labels}
    pred_counts = {label: sum(p == label for p in pred) for label in labels}
    observed = sum(g != p for g, p in pairs)
    expected = sum(
        pred_counts[a] * gold_counts[b] / len(pairs) for a in labels for b in labels if a != b
    )
    return 1 - observed / expected if expected else NAN


def replay(instance: Instance, turns: Sequence[TurnRow]) -> PrivateSharedMaster:
    """Feed the responses, in step order, to a fresh game master; a row that does not fit the
    game (another role or turn, a repeated step, a step after the end) is a broken transcript."""
    master = PrivateSharedMaster(instance)
    rows = sorted(turns, key=lambda row: int(row["step"]))
    for before, row in zip([None, *rows], rows, strict=False):
        if before is not None and int(before["step"]) == int(row["step"]):
            raise ValueError(f"two responses for step {row['step']}")
        if row["role"] != ROLE:
            raise ValueError(f"privateshared has no role {row['role']!r}")
        request = master.pending()
        if request is None:
            raise ValueError(f"step {row['step']} comes after the end of the episode")
        if int(row["turn"]) != request.turn:
            raise ValueError(
                f"step {row['step']} is in turn {row['turn']}, the game in turn {request.turn}"
            )
        master.receive(row["response"])
    return master


def _round_metrics(record: Record, aborted: bool) -> dict[str, float]:
    metrics: dict[str, float] = {}
    middle = (record.slot_count + 1) // 2 - 1
    for turn, probes in enumerate(record.rounds[: record.played_rounds]):
        round_accuracy = accuracy([p.gt for p in probes], [p.value for p in probes])
        metrics[f"Accuracy turn {turn}"] = round_accuracy
        if turn > 0:
            metrics[f"Slot Filled? turn {turn}"] = int(record.filled[turn - 1])
        if turn == middle:
            metrics["Middle-Accuracy"] = NAN if aborted else round_accuracy
    return metrics


def score(instance: Instance, turns: Sequence[TurnRow]) -> EpisodeScore:
    master = replay(instance, turns)
    record = master.record
    outcome: Outcome = master.outcome or "aborted"
    abort_reason = None
    if master.outcome is None:
        abort_reason = f"incomplete episode: no answer at step {len(turns)}"
    elif outcome == "aborted":
        abort_reason = master.abort_reason
    aborted = outcome == "aborted"
    probes = [probe for round_ in record.rounds[: record.played_rounds] for probe in round_]
    gold, pred = [p.gt for p in probes], [p.value for p in probes]
    acc = kappa = truncated = filling = quality = NAN
    if not aborted:
        acc, kappa = accuracy(gold, pred), cohen_kappa(gold, pred)
        truncated = max(0.0, kappa)  # NaN kappa counts as 0, as in clembench
        filling = sum(record.filled) / len(record.filled)
        total = filling + truncated
        quality = 0.0 if total == 0 else 100 * (2 * filling * truncated / total)
    requests, parsed = sum(record.requests), sum(record.parsed)
    metrics = _round_metrics(record, aborted) | {
        "Accuracy": acc,
        "Kappa": kappa,
        "Truncated Kappa": truncated,
        "Slot-Filling-Accuracy": filling,
        "Main Score": quality,
        "Aborted": int(aborted),
        "Lose": int(outcome == "lost"),
        "Success": int(outcome == "success"),
        "Request Count": requests,
        "Parsed Request Count": parsed,
        "Violated Request Count": sum(record.violated),
        "Request Success Ratio": parsed / requests if requests else 0.0,
    }
    return EpisodeScore(outcome, None if aborted else quality, abort_reason, metrics)
