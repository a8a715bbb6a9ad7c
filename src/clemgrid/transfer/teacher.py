"""Teacher answers to the in-sample dilemma scenarios: a choice (C/D) and a short motivation.

A `teacher_rates` teacher is synthetic: per scenario it chooses C at the published rate of a
role in a counts file (seed 004's LLaMa2-70b-chat), with a templated motivation, each draw
hashed from (seed, data seed, scenario, sample) so answers are reproducible and independent of
order. Any other teacher is a model on a backend, asked at the data's temperature with a
per-sample seed; its first line is read with the game's lenient rule.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from clemgrid.games.base import Instance
from clemgrid.games.dilemma.instances import load_instances
from clemgrid.games.dilemma.parse import read_choice
from clemgrid.hashing import canonical_json
from clemgrid.sources import TEACHER_RATES_KIND

# What the model teacher is asked after the game's prompt: the choice alone on the first line
# (the game's format), then the motivation the paper's teacher gave.
MOTIVATE = (
    "\n\nAnswer with a single letter, C or D, on the first line, then give your reason in "
    "one short sentence on the second line."
)

# Templated motivations of the synthetic teacher (our own texts), by choice; filled with the
# scenario's payoffs and counterpart.
MOTIVATIONS = {
    "C": (
        "If we both choose C we each get {R} points, which beats the {P} we get if both defect.",
        "I would rather trust {other} and share {R} points each than risk mutual defection.",
        "Cooperating is the choice I can defend: it gives the best shared outcome, {R} each.",
    ),
    "D": (
        "Choosing D guarantees I never end up with only {S} points while {other} takes {T}.",
        "Since we meet only once, D protects my side whatever {other} decides.",
        "With no later round to reward trust, D is the safer choice for me.",
    ),
}


def uniform(*parts: Any) -> float:
    """A number in [0, 1) hashed from `parts`: the same parts give the same draw."""
    digest = hashlib.sha256(canonical_json(list(parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def scenarios(split: str) -> list[Instance]:
    """The dilemma game's instances of one split (`in_sample`: 20 two-player scenarios)."""
    found = [i for i in load_instances() if i.experiment == split]
    if not found:
        raise ValueError(f"the dilemma game has no split {split!r}")
    return found


def published_rates(counts: str | Path, role: str, split: str) -> dict[str, float]:
    """{scenario: share of C} of `role` in a counts CSV (split, scenario, role, n_C, n_D)."""
    rates = {}
    with open(counts, newline="") as f:
        for row in csv.DictReader(f):
            if row["role"] == role and row["split"] == split:
                n_c, n_d = int(row["n_C"]), int(row["n_D"])
                rates[row["scenario"]] = n_c / (n_c + n_d)
    if not rates:
        raise ValueError(f"{counts}: no counts of role {role!r} in split {split!r}")
    return rates


def _other(instance: Instance) -> str:
    from clemgrid.games.dilemma.instances import context_text

    return context_text(instance.payload["context"])[0]


def synthetic_answers(
    source: Mapping[str, Any], data: Mapping[str, Any], counts: str | Path | None = None
) -> list[dict[str, Any]]:
    """Answers of a `teacher_rates` teacher: `data["samples"]` per scenario of the split;
    `counts` is its counts file (default: resources/<counts> in the working directory)."""
    spec = source[TEACHER_RATES_KIND]
    counts = counts or Path("resources") / spec["counts"]
    rates = published_rates(counts, spec["role"], data["split"])
    rows = []
    for instance in scenarios(data["split"]):
        if instance.instance_id not in rates:
            raise ValueError(
                f"{spec['counts']}: no {spec['role']!r} counts of {instance.instance_id}"
            )
        rate = rates[instance.instance_id]
        fill = {**instance.payload["payoffs"], "other": _other(instance)}
        for sample in range(data["samples"]):
            key = (spec["seed"], data["seed"], instance.instance_id, sample)
            choice = "C" if uniform("choice", *key) < rate else "D"
            texts = MOTIVATIONS[choice]
            motivation = texts[int(uniform("motivation", *key) * len(texts))].format(**fill)
            rows.append(
                {
                    "scenario": instance.instance_id,
                    "sample": sample,
                    "prompt": instance.payload["prompt"],
                    "response": f"{choice}\n{motivation}",
                    "choice": choice,
                    "motivation": motivation,
                    "teacher_rate": rate,
                }
            )
    return rows


def model_answers(cfg: Any, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Answers of a model teacher (a PlayConfig): each scenario asked `samples` times at the
    data's temperature, each request with its own seed."""
    from clemgrid.backends import GenerationParams, load_backend
    from clemgrid.games.registry import GAMES

    backend = load_backend(cfg, GAMES["dilemma"])
    rows = []
    for instance in scenarios(data["split"]):
        prompt = instance.payload["prompt"]
        for sample in range(data["samples"]):
            seed = int(uniform("seed", data["seed"], instance.instance_id, sample) * 2**31)
            params = GenerationParams(data["temperature"], 100, seed)
            messages = [{"role": "user", "content": prompt + MOTIVATE}]
            text = backend.generate([messages], params)[0].text.strip()
            first, _, rest = text.partition("\n")
            rows.append(
                {
                    "scenario": instance.instance_id,
                    "sample": sample,
                    "prompt": prompt,
                    "response": text,
                    "choice": read_choice(first).lenient,
                    "motivation": rest.strip(),
                    "teacher_rate": None,
                }
            )
    return rows


def answers_table(
    teacher: Mapping[str, Any],
    data: Mapping[str, Any],
    out: str | Path,
    counts: str | Path | None = None,
) -> int:
    """The teacher_answers rule: `teacher` is the teacher's play identity (model, backend,
    quant and their registry entries); writes the answers with the teacher named in every row."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from clemgrid.entries import PlayConfig

    cfg = PlayConfig.from_identity(teacher)
    if TEACHER_RATES_KIND in cfg.weight_source:
        rows = synthetic_answers(cfg.weight_source, data, counts)
    else:
        rows = model_answers(cfg, data)
    for row in rows:
        row.update(teacher_model=cfg.model, teacher_backend=cfg.backend, teacher_quant=cfg.quant)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), out)
    return len(rows)
