"""The transfer report: roles, seeded bootstrap CIs, flags, and recovery of a known improvement
from synthetic players of declared per-scenario C-rates (issue 15, point 6)."""

import json
import random
from types import SimpleNamespace

import pytest

from clemgrid.analysis.dilemma import Counts
from clemgrid.analysis.transfer_report import (
    bootstrap_improvement,
    config_counts,
    split_rates,
    transfer_counts,
    transfer_roles,
    transfer_summary,
)

BASE = ("SmolLM2-135M-Instruct", "llama_cpp", "Q4_1")
STUDENT = ("SmolLM2-135M-Instruct", "transformers", "lora-teacher70b")


def _scores(config, rates, n, seed):
    """Episode score rows of a synthetic player choosing C at the declared rate per scenario."""
    rng = random.Random(seed)
    rows = []
    for (split, scenario), rate in rates.items():
        for _ in range(n):
            value = 100 if rng.random() < rate else 0
            rows.append(
                dict(zip(("model", "backend", "quant"), config, strict=True))
                | {"game": "dilemma", "experiment": split, "instance_id": scenario}
                | {"metrics": json.dumps({"Cooperation": value})}
            )
    return rows


def _declared(known):
    """20 scenarios per split; the student moves `known` % of the way from base to teacher."""
    base, student, teacher = {}, {}, {}
    for split in ("in_sample", "out_sample"):
        for i in range(20):
            key = (split, f"s{i}")
            base[key] = 0.1 + 0.02 * i
            teacher[key] = 0.9 - 0.01 * i
            student[key] = base[key] + known / 100 * (teacher[key] - base[key])
    return base, student, teacher


def test_recovers_known_improvement_within_its_ci():
    known = 50.0
    base, student, teacher = _declared(known)
    scores = _scores(BASE, base, 200, 1) + _scores(STUDENT, student, 200, 2)
    t_rows = _scores(("teacher", "scripted", "none"), teacher, 300, 3)
    teacher_counts = config_counts(t_rows, ("teacher", "scripted", "none"))
    table = transfer_counts(scores, BASE, STUDENT, teacher_counts)
    assert len(table) == 40
    rows, text = transfer_summary(
        table, {"student": STUDENT, "base": BASE, "teacher": {"model": "t"}}, n_boot=400
    )
    boot = bootstrap_improvement(table, n_boot=400, seed=0)
    for split in ("in_sample", "out_sample"):
        low, high = boot[split]["median_ci"]
        assert low <= known <= high, (split, low, high)
        low, high = boot[split]["mean_ci"]
        assert low <= known <= high, (split, low, high)
    assert all(len(line) <= 100 for line in text.splitlines())
    assert "in_sample" in text and "out_sample" in text


def _table():
    table = {}
    for i, (b, f, t) in enumerate([(2, 10, 15), (5, 8, 18), (10, 10, 11), (3, 12, 19)]):
        table[("in_sample", f"s{i}")] = {
            "base": Counts(b, 20 - b),
            "finetuned": Counts(f, 20 - f),
            "teacher": Counts(t, 20 - t),
        }
    # teacher 102/200 against base 10/20: a 1-point gap, too close for the ratio
    table[("in_sample", "s4")] = {
        "base": Counts(10, 10),
        "finetuned": Counts(14, 6),
        "teacher": Counts(102, 98),
    }
    return table


def test_bootstrap_is_seeded_and_deterministic():
    a = bootstrap_improvement(_table(), n_boot=200, seed=7)
    b = bootstrap_improvement(_table(), n_boot=200, seed=7)
    c = bootstrap_improvement(_table(), n_boot=200, seed=8)
    assert a == b
    assert a != c
    low, high = a["in_sample"]["mean_ci"]
    assert low < high


def test_close_scenario_is_flagged_and_listed_not_dropped():
    rows, text = transfer_summary(
        _table(), {"student": STUDENT, "base": BASE, "teacher": {"model": "t"}}, n_boot=50
    )
    flagged = {r["scenario"]: r["flag"] for r in rows}
    assert flagged["s4"] == "close"
    assert flagged["s2"] == ""  # 10/20 vs 11/20: a 5-point gap, not under 5
    assert "s4 (close)" in text
    assert len(rows) == 5
    assert rows[4]["improvement"] == pytest.approx(2000.0)  # kept in the mean: the paper's


def test_split_rates_pool_counts_with_wilson():
    rates = {(r["split"], r["role"]): r for r in split_rates(_table())}
    assert rates[("in_sample", "base")]["rate"] == pytest.approx(30 / 100)
    assert rates[("in_sample", "base")]["low"] < 0.3 < rates[("in_sample", "base")]["high"]


def _cfg(model, backend, quant, source):
    return SimpleNamespace(model=model, backend=backend, quant=quant, weight_source=source)


def test_roles_prefer_the_same_backend_else_name_the_other():
    teacher = {"model": "synthetic-teacher-llama2-70b", "backend": "scripted", "quant": "none"}
    lora = {"lora": {"from": "Q4_1", "data": {"teacher": teacher}}}
    student = _cfg(*STUDENT, lora)
    other = _cfg(*BASE, {"package_file": "x"})
    roles = transfer_roles([(student, "dilemma"), (other, "dilemma")])
    assert roles == [
        {"student": list(STUDENT), "base": list(BASE), "base_same_backend": False}
        | {"teacher": teacher}
    ]
    same = _cfg("SmolLM2-135M-Instruct", "transformers", "Q4_1", {"package_file": "x"})
    roles = transfer_roles([(student, "dilemma"), (other, "dilemma"), (same, "dilemma")])
    assert roles[0]["base"] == list(same.__dict__.values())[:3]
    assert roles[0]["base_same_backend"]
    assert transfer_roles([(student, "dilemma"), (same, "taboo")]) == []


def test_split_without_teacher_counts_is_shown_not_dropped():
    base = {("in_sample", "a"): 0.2, ("ood_game", "b"): 0.3}
    student = {("in_sample", "a"): 0.5, ("ood_game", "b"): 0.6}
    scores = _scores(BASE, base, 20, 1) + _scores(STUDENT, student, 20, 2)
    table = transfer_counts(scores, BASE, STUDENT, {("in_sample", "a"): Counts(160, 140)})
    assert set(table) == {("in_sample", "a"), ("ood_game", "b")}
    rows, text = transfer_summary(
        table, {"student": STUDENT, "base": BASE, "teacher": {"model": "t"}}, n_boot=50
    )
    assert [r["split"] for r in rows] == ["in_sample"]
    assert "ood_game" in text and "no teacher counts" in text
    assert all(len(line) <= 100 for line in text.splitlines())


def test_dilemma_summary_script_end_to_end(tmp_path):
    """The rule's script on synthetic score files: the transfer table in summary.txt, the
    per-scenario rows, the figure; and the sensitivity table."""
    import runpy
    from pathlib import Path

    import pyarrow as pa
    import pyarrow.parquet as pq

    base, student, teacher = _declared(50.0)
    paths = []
    for name, config, rates in (("b", BASE, base), ("s", STUDENT, student)):
        rows = _scores(config, rates, 20, 5)
        for row in rows:
            row.update(model=config[0], backend=config[1], quant=config[2])
        paths.append(str(tmp_path / f"{name}.parquet"))
        pq.write_table(pa.Table.from_pylist(rows), paths[-1])
    counts = tmp_path / "teacher.csv"
    counts.write_text(
        "split,scenario,role,n_C,n_D\n"
        + "".join(
            f"{s},{c},teacher,{round(300 * r)},{300 - round(300 * r)}\n"
            for (s, c), r in teacher.items()
        )
    )
    roles = [
        {"student": list(STUDENT), "base": list(BASE), "base_same_backend": False}
        | {"teacher": {"model": "t"}, "teacher_counts": {"role": "teacher"}}
        | {"teacher_label": "t (synthetic)"}
    ]
    out = {
        k: str(tmp_path / v)
        for k, v in [
            ("scenarios", "sc.csv"),
            ("transfer", "tr.csv"),
            ("summary", "s.txt"),
            ("figure", "f.pdf"),
            ("rates", "rates.csv"),
            ("pgg", "pgg.csv"),
        ]
    }
    snakemake = SimpleNamespace(
        input=SimpleNamespace(scores=paths, exact=[], teacher_counts=[str(counts)]),
        output=SimpleNamespace(**out),
        log=[str(tmp_path / "log")],
        params=SimpleNamespace(transfer=json.dumps(roles)),
    )
    script = Path(__file__).parents[1] / "workflow" / "scripts" / "dilemma_summary.py"
    runpy.run_path(str(script), init_globals={"snakemake": snakemake})
    text = Path(out["summary"]).read_text()
    assert "Transfer: student" in text and "depend on context" in text
    assert all(len(line) <= 100 for line in text.split("Transfer:")[1].splitlines())
    assert Path(out["figure"]).stat().st_size > 0
    assert len(Path(out["transfer"]).read_text().splitlines()) == 41
    # per scenario (2 splits x 20) and role (3), and the header
    assert len(Path(out["rates"]).read_text().splitlines()) == 121
    assert Path(out["pgg"]).read_text() == "student\n"  # nobody played the public-goods game
