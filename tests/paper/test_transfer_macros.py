"""The transfer section's macros: numbers from transfer.csv, wording from the interval, and one
generated sentence where the grid has no student (the .test grid)."""

from pathlib import Path

import pandas as pd
import pytest

from clemgrid.analysis import macros
from clemgrid.analysis.transfer_macros import transfer_macros, verdict

BOOT = {"resamples": 200, "seed": 0}


def _frame():
    rows = []
    for i, (b, f, t) in enumerate([(4, 12, 16), (2, 10, 18), (6, 11, 17)]):
        rows.append(
            {
                "student": "s/transformers/lora",
                "base": "s/llama_cpp/Q4_1",
                "teacher": "t (synthetic)",
            }
            | {"split": "in_sample", "scenario": f"c{i}_prison", "flag": ""}
            | {"n_base": 20, "C_base": b, "n_finetuned": 20, "C_finetuned": f}
            | {"n_teacher": 20, "C_teacher": t, "improvement": (f - b) / (t - b) * 100}
        )
    return pd.DataFrame(rows)


def test_macros_from_the_rows():
    m = macros.Macros()
    transfer_macros(m, _frame(), BOOT)
    assert m["TransferScenarios"] == "3" and m["TransferSamples"] == "20"
    assert float(m["TransferRateBase"]) == pytest.approx(100 * 12 / 60, abs=0.05)
    assert m["TransferVerdict"] == "moved toward the teacher's C-rates"
    assert "\\newif\\ifTransferHave\\TransferHavetrue" in m.render()


def test_undefined_improvement_is_left_out_of_the_mean_and_listed():
    frame = _frame()
    frame.loc[2, ["C_teacher", "improvement", "flag"]] = [6, float("nan"), "undefined"]
    m = macros.Macros()
    transfer_macros(m, frame, BOOT)
    assert float(m["TransferMean"]) == pytest.approx((8 / 12 * 100 + 8 / 16 * 100) / 2, abs=0.05)
    assert m["TransferFlagged"] == "1" and "c2" in m["TransferFlaggedNames"]


def test_no_student_gives_the_sentence():
    m = macros.Macros()
    transfer_macros(m, None, BOOT)
    assert "\\TransferHavefalse" in m.render()
    assert "\\TransferTeacherSyntheticfalse" in m.render()  # nested \if must be known
    assert "no dilemma" in m["TransferNone"]


def test_verdict_wording():
    assert verdict(-5.0, 40.0).startswith("did not move")
    assert verdict(-50.0, -5.0).startswith("moved away")
    assert verdict(None, None).startswith("cannot")


# --- every split, the tests, the sensitivity and the public-goods game ------------------------

SECTION = Path(__file__).parents[2] / "paper" / "sections" / "transfer.tex"


def _rates(frame, oos=None):
    """transfer_rates.csv of _frame's in-sample rows, plus out-of-sample rows (base, student)."""
    rows = []
    for _, r in frame.iterrows():
        for role in ("base", "finetuned", "teacher"):
            rows.append(
                {"student": r["student"], "split": r["split"], "scenario": r["scenario"]}
                | {"role": role, "n": r[f"n_{role}"], "n_C": r[f"C_{role}"]}
            )
    for scenario, (b, f) in (oos or {}).items():
        for role, c in (("base", b), ("finetuned", f)):
            rows.append(
                {"student": "s/transformers/lora", "split": "oos_context", "scenario": scenario}
                | {"role": role, "n": 20, "n_C": c}
            )
    return pd.DataFrame(rows)


PGG = pd.DataFrame(
    [
        {"student": "s/transformers/lora", "role": "base", "amount": 10, "count": 2},
        {"student": "s/transformers/lora", "role": "base", "amount": 0, "count": 2},
        {"student": "s/transformers/lora", "role": "finetuned", "amount": float("nan")}
        | {"count": 3},
    ]
)


def _all(frame, rates, pgg=PGG):
    m = macros.Macros()
    transfer_macros(m, frame, BOOT, rates, pgg)
    return m


def test_per_split_macros_match_a_hand_computed_example():
    frame = _frame()
    m = _all(frame, _rates(frame, {"athletes_prison": (5, 10)}))
    # base 4 + 2 + 6 of 60 answers; Wilson 95 % of 12/60 is [11.8, 31.8]
    assert m["TransferInSampleRateBase"] == "20.0\\,\\% [11.8, 31.8]"
    # improvements 8/12, 8/16, 5/11 of the way: mean 54.04 %, median 50 %
    assert m["TransferInSampleMean"].startswith("54.0\\,\\% [")
    assert m["TransferInSampleMedian"].startswith("50.0\\,\\% [")
    assert m["TransferInSampleFlagged"] == "0"
    assert m["TransferInSampleScenarios"] == "3" and m["TransferOosContextScenarios"] == "1"
    # out-of-sample: no teacher, so no improvement; base and student still compared
    assert m["TransferOosContextRateTeacher"] == "--" and m["TransferOosContextMean"] == "--"
    assert "teacher has no answers" in m["TransferOosContextSentence"]
    assert m["TransferOosContextMovedTest"].startswith("$z = ")
    assert "were not played" in m["TransferOodGameSentence"]
    assert m["TransferPggBase"] == "5.0 (SE 2.9, $n = 4$)"  # 10, 10, 0, 0: SD 5.77 / 2
    assert m["TransferPggStudent"] == "--" and m["TransferPggTeacher"] == "--"


def test_the_verdict_sentence_follows_the_data():
    frame = _frame()
    moved = _all(frame, _rates(frame))["TransferInSampleSentence"]
    assert "moved toward the teacher" in moved
    still = frame.copy()
    still["C_finetuned"] = still["C_base"] + [1, -1, 0]  # the student stays where the base is
    still["improvement"] = (still["C_finetuned"] - still["C_base"]) / (
        still["C_teacher"] - still["C_base"]
    )
    still["improvement"] *= 100
    sentence = _all(still, _rates(still))["TransferInSampleSentence"]
    assert "did not move measurably" in sentence and sentence != moved


def test_a_test_that_cannot_reach_alpha_says_so_with_its_smallest_p():
    frame = _frame().iloc[:1].copy()
    frame[["n_base", "C_base", "n_finetuned", "C_finetuned"]] = [1, 0, 2, 2]
    m = _all(frame, _rates(frame))
    # N = 3: the smallest attainable p is erfc(sqrt(3 / 2)) = 0.083 > 0.05
    assert m["TransferInSampleMovedTest"] == (
        "not testable at this $n$ (smallest attainable $p = 0.083$)"
    )
    assert m["TransferInSampleMovedScenarios"] == "0 of 0"


def test_sensitivity_finds_a_teacher_that_depends_on_the_context():
    frame = _frame()
    frame["scenario"] = ["IR_prison", "team_prison", "biz_prison"]
    frame["n_teacher"] = 300
    frame["C_teacher"] = [20, 280, 150]
    m = _all(frame, _rates(frame))
    assert m["TransferSensTeacherContext"].startswith("$\\chi^2(2) = ")
    assert m["TransferSensTeacherGame"] == "no test (one level only)"
    assert "the teacher's C-rate varies with the context" in m["TransferSensitivitySentence"]


def test_every_macro_and_switch_of_the_section_is_defined_in_both_cases():
    used = macros.used([SECTION])
    frame = _frame()
    have = _all(frame, _rates(frame))
    # TransferNone is used in the else branch only
    wanted = {n for n in used if n.startswith("Transfer")} - {"TransferNone"}
    assert wanted <= set(have.values) | set(have.flags)
    none = macros.Macros()
    transfer_macros(none, None, BOOT)
    switches = {n[2:] for n in used if n.startswith("ifTransfer")}
    assert switches <= set(none.flags) and switches <= set(have.flags)
    assert none.flags["TransferHave"][0] is False and "TransferNone" in none.values
