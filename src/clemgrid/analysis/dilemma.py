"""Seed 004's transfer metric: how far fine-tuning moved a student's C-counts toward a teacher's.

improvement_s = (C_ft - C_base) / (C_teacher - C_base) x 100, on raw C-counts as the paper
computes it (its 46.26 % in-sample mean needs the counts: one teacher cell has 299 answers, and
on rates that scenario gives 130.85 instead of 123.08; both are reported). The ratio explodes
where teacher and base are close (team_delight: 7 answers apart, 200 %), so such scenarios are
flagged, listed, and summarised both with and without them; only an undefined ratio (teacher
and base equal) is left out of a mean, and it is listed too.
"""

from __future__ import annotations

import csv
import json
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clemgrid.analysis.proportions import bridging, jensen_shannon, two_proportion_z, wilson

ROLES = ("base", "finetuned", "teacher")
COLUMNS = ("split", "scenario", "role", "n_C", "n_D")
MIN_GAP = 0.05
"""Flag a scenario whose teacher and base C-rates differ by less than this (5 points)."""


class CountsError(ValueError):
    """Unusable counts input; the message names the file, line and field."""


@dataclass(frozen=True)
class Counts:
    n_C: int
    n_D: int

    @property
    def n(self) -> int:
        return self.n_C + self.n_D

    @property
    def rate(self) -> float:
        return self.n_C / self.n


def _count(path: Path, line: int, row: dict[str, str], field: str) -> int:
    text = (row.get(field) or "").strip()
    try:
        value = int(text)
    except ValueError:
        raise CountsError(f"{path}:{line}: {field} = {text!r} is not a whole number") from None
    if value < 0:
        raise CountsError(f"{path}:{line}: {field} = {value} is negative")
    return value


def read_counts(path: str | Path) -> dict[tuple[str, str], dict[str, Counts]]:
    """{(split, scenario): {role: Counts}} in file order; every role present exactly once."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise CountsError(f"{path}: missing column(s) {', '.join(missing)}")
            table: dict[tuple[str, str], dict[str, Counts]] = {}
            for line, row in enumerate(reader, start=2):
                key = ((row["split"] or "").strip(), (row["scenario"] or "").strip())
                role = (row["role"] or "").strip()
                if not all(key):
                    raise CountsError(f"{path}:{line}: empty split or scenario")
                if role not in ROLES:
                    raise CountsError(f"{path}:{line}: role {role!r} is not one of {ROLES}")
                counts = Counts(*(_count(path, line, row, f) for f in ("n_C", "n_D")))
                if counts.n == 0:
                    raise CountsError(f"{path}:{line}: n_C + n_D = 0 (no answers)")
                if role in table.setdefault(key, {}):
                    raise CountsError(f"{path}:{line}: second {role} row for {key[1]}")
                table[key][role] = counts
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CountsError(f"{path}: cannot read: {error}") from None
    for (split, scenario), roles in table.items():
        absent = [r for r in ROLES if r not in roles]
        if absent:
            raise CountsError(f"{path}: {split}/{scenario} has no {', '.join(absent)} row")
    if not table:
        raise CountsError(f"{path}: no rows")
    return table


def improvement(base: int | float, finetuned: int | float, teacher: int | float) -> float | None:
    """(ft - base) / (teacher - base) x 100; None where teacher equals base (undefined)."""
    if teacher == base:
        return None
    return (finetuned - base) / (teacher - base) * 100


def scenario_row(split: str, scenario: str, roles: dict[str, Counts], min_gap: float) -> dict:
    base, ft, teacher = (roles[r] for r in ROLES)
    row: dict[str, Any] = {"split": split, "scenario": scenario}
    for role, counts in zip(ROLES, (base, ft, teacher), strict=True):
        low, high = wilson(counts.n_C, counts.n)
        row |= {f"n_{role}": counts.n, f"C_{role}": counts.n_C, f"rate_{role}": counts.rate}
        row |= {f"rate_{role}_low": low, f"rate_{role}_high": high}
    gap = abs(teacher.rate - base.rate)
    _, p_gap = two_proportion_z(teacher.n_C, teacher.n, base.n_C, base.n)
    _, p_moved = two_proportion_z(ft.n_C, ft.n, base.n_C, base.n)
    _, p_left = two_proportion_z(ft.n_C, ft.n, teacher.n_C, teacher.n)
    value = improvement(base.n_C, ft.n_C, teacher.n_C)
    flag = "undefined" if value is None else ("close" if gap < min_gap else "")
    row |= {
        "improvement": value,
        "improvement_rates": improvement(base.rate, ft.rate, teacher.rate),
        "bridging": bridging(base.rate, ft.rate, teacher.rate),
        "jsd_base_teacher": jensen_shannon([base.n_C, base.n_D], [teacher.n_C, teacher.n_D]),
        "jsd_finetuned_teacher": jensen_shannon([ft.n_C, ft.n_D], [teacher.n_C, teacher.n_D]),
        "gap_teacher_base": gap,
        "p_teacher_vs_base": p_gap,
        "p_finetuned_vs_base": p_moved,
        "p_finetuned_vs_teacher": p_left,
        "flag": flag,
    }
    return row


def improvement_table(
    counts: dict[tuple[str, str], dict[str, Counts]], min_gap: float = MIN_GAP
) -> list[dict]:
    return [scenario_row(split, s, roles, min_gap) for (split, s), roles in counts.items()]


def _centre(values: Sequence[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    return statistics.fmean(values), statistics.median(values)


def summarize(rows: Iterable[dict]) -> list[dict]:
    """Per split: mean and median improvement over defined scenarios (the paper's number), and
    over the unflagged ones; the flagged scenarios by name."""
    by_split: dict[str, list[dict]] = {}
    for row in rows:
        by_split.setdefault(row["split"], []).append(row)
    out = []
    for split, group in by_split.items():
        defined = [r["improvement"] for r in group if r["improvement"] is not None]
        clean = [r["improvement"] for r in group if not r["flag"]]
        mean, median = _centre(defined)
        mean_clean, median_clean = _centre(clean)
        out.append(
            {
                "split": split,
                "n_scenarios": len(group),
                "n_defined": len(defined),
                "mean": mean,
                "median": median,
                "n_unflagged": len(clean),
                "mean_unflagged": mean_clean,
                "median_unflagged": median_clean,
                "flagged": [f"{r['scenario']} ({r['flag']})" for r in group if r["flag"]],
            }
        )
    return out


def _number(value: float | None) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:.2f}"


def format_summary(summary: Sequence[dict], min_gap: float = MIN_GAP) -> str:
    head = f"{'split':<12} {'scenarios':>9} {'mean %':>8} {'median %':>9}"
    lines = [f"{head} | {'unflagged':>9} {'mean %':>8} {'median %':>9}"]
    for s in summary:
        lines.append(
            f"{s['split']:<12} {s['n_defined']:>9} {_number(s['mean']):>8} "
            f"{_number(s['median']):>9} | {s['n_unflagged']:>9} "
            f"{_number(s['mean_unflagged']):>8} {_number(s['median_unflagged']):>9}"
        )
    for s in summary:
        if s["flagged"]:
            lines.append(
                f"{s['split']}: flagged (teacher-base gap under {100 * min_gap:g} points, or "
                f"undefined): {', '.join(s['flagged'])}"
            )
    return "\n".join(lines) + "\n"


def c_rates(counts: dict[tuple[str, str], dict[str, Counts]]) -> list[dict]:
    """One row per scenario and role: C-rate with its Wilson 95 % interval."""
    rows = []
    for (split, scenario), roles in counts.items():
        for role, c in roles.items():
            low, high = wilson(c.n_C, c.n)
            rows.append(
                {"split": split, "scenario": scenario, "role": role, "n": c.n, "n_C": c.n_C}
                | {"rate": c.rate, "low": low, "high": high}
            )
    return rows


def counts_from_scores(scores: Iterable[dict], role: str, lenient: bool = False) -> list[dict]:
    """Episode score rows of the dilemma game (as `score_transcripts` writes them) -> counts
    rows for `read_counts`' format, per (split, scenario); the public-goods game has no C/D and
    is left out. Strict: aborted episodes count in `n_aborted`, not in n_C/n_D; lenient: the
    original rule's reading, unread answers in `n_aborted`."""
    metric = "Lenient Cooperation" if lenient else "Cooperation"
    table: dict[tuple[str, str], dict[str, int]] = {}
    for row in scores:
        if row["game"] != "dilemma" or row["experiment"] == "pgg":
            continue
        metrics = row["metrics"]
        value = (json.loads(metrics) if isinstance(metrics, str) else metrics).get(metric)
        cell = table.setdefault((row["experiment"], row["instance_id"]), Counter())
        if value is None or math.isnan(value):
            cell["n_aborted"] += 1
        else:
            cell["n_C" if value == 100 else "n_D"] += 1
    return [
        {"split": split, "scenario": scenario, "role": role}
        | {k: cell[k] for k in ("n_C", "n_D", "n_aborted")}
        for (split, scenario), cell in table.items()
    ]


def write_rows(rows: Sequence[dict], out: str | Path) -> None:
    with Path(out).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
