"""The transfer section's macros: numbers from transfer.csv, wording from the interval, and one
generated sentence where the grid has no student (the .test grid)."""

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
