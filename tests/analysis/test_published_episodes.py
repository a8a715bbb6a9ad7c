"""Published per-episode scores: they reproduce the score file, bad files fail with their name,
the paired bootstrap and tests agree with direct computations, and paired tests replace the
summary-based ones only where both configs have episodes."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.contingency_tables import mcnemar

from clemgrid.analysis import published_episodes as pe
from clemgrid.analysis import published_uncertainty as pu
from clemgrid.analysis.published import LLAMA3_8B, LLAMA3_70B, configs, published_matrix

ROOT = Path(__file__).resolve().parents[2]
SCORES = ROOT / "resources" / "clembench_v1.6" / "clembench_model_scores.csv"
EPISODES = sorted((ROOT / "resources" / "clembench_v1.6" / "episodes").glob("*.csv"))
HEADER = ",game,model,experiment,episode,metric,value\n"


@pytest.fixture(scope="module")
def episodes() -> pd.DataFrame:
    return pe.read_all(EPISODES, SCORES)


def test_the_published_episodes_reproduce_every_cell_of_the_score_file(episodes):
    table = pe.reconcile(episodes, published_matrix(SCORES))
    listed = table[table["in_score_file"]]
    assert len(listed) == 63 and listed["match"].all()
    # every config played every instance of clembench's v1.6 sets once, except one episode
    # the source lacks (and the score file's 93.10 % = 27 / 29 counts without it)
    short = table[table["n"] != table["game"].map(pu.episodes_per_game())]
    assert short[[*pe.KEYS, "game", "n"]].values.tolist() == [
        [LLAMA3_70B, "groq", "none", "wordle_withcritic", 29]
    ]
    # the two routes only the paper prints: their episodes give the paper's values
    printed = pd.DataFrame(
        {"model": LLAMA3_8B, "backend": ["groq", "together"], "clemscore": [17.79, 21.66]}
    )
    sentence = pe.printed_sentence(table, printed)
    assert (
        "Groq 17.79 (paper: 17.79)" in sentence and "Together AI 21.66 (paper: 21.66)" in sentence
    )


def _write(tmp_path, rows: list[str]) -> Path:
    path = tmp_path / "runs.csv"
    path.write_text(HEADER + "".join(f"{i},{row}\n" for i, row in enumerate(rows)))
    return path


RUN = "c4ai-command-r-plus-GGUF-q4-t0.0--c4ai-command-r-plus-GGUF-q4-t0.0"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([f"taboo,{RUN},0_x,episode_0,Aborted,0.0"], "without both metrics"),
        ([f"taboo,{RUN},0_x,episode_0,Lose,1.0"], "unexpected metrics"),
        (
            [f"taboo,{RUN},0_x,episode_0,Aborted,1.0", f"taboo,{RUN},0_x,episode_0,Main Score,50"],
            "disagree",
        ),
        (
            [
                "taboo,mystery-t0.0--mystery-t0.0,0_x,episode_0,Aborted,1.0",
                "taboo,mystery-t0.0--mystery-t0.0,0_x,episode_0,Main Score,",
            ],
            "no config in the score file",
        ),
    ],
)
def test_a_bad_episode_file_fails_with_its_name(tmp_path, rows, message):
    path = _write(tmp_path, rows)
    with pytest.raises(ValueError, match=message) as error:
        pe.read_episodes([path], configs(SCORES))
    assert str(path) in str(error.value)


def _config(played: list[int], quality: list[float], game: str = "taboo") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "game": game,
            "experiment": "0_x",
            "instance_id": range(len(played)),
            "played": played,
            "quality": [q if p else np.nan for p, q in zip(played, quality, strict=True)],
        }
    )


def test_the_paired_bootstrap_cancels_what_both_configs_share():
    rng = np.random.default_rng(1)
    quality = rng.uniform(0, 100, 60)
    played = (rng.uniform(size=60) < 0.7).astype(int).tolist()
    a = _config(played, quality + 5)
    b = _config(played, quality)
    result = pe.paired_clemscore(a, b, reps=999, seed=0)
    share = np.mean(played)
    assert result["clemscore_a"] - result["clemscore_b"] == pytest.approx(5 * share)
    # the instance effects cancel in the paired difference, not in independent resampling
    assert result["high"] - result["low"] < 0.2 * (result["unpaired_high"] - result["unpaired_low"])
    assert result["low"] > 0 and result["p"] == pytest.approx(2 / 1000)
    same = pe.paired_clemscore(b, b, reps=999, seed=0)
    assert same["low"] == same["high"] == 0 and same["p"] == 1


def test_paired_game_tests_are_mcnemar_and_the_sign_flip_test(episodes):
    paired, games = pe.comparisons(episodes, reps=199, seed=0)
    row = games[(games["measure"] == "played")].iloc[0]
    a = episodes[episodes[pe.KEYS].apply(tuple, axis=1).map(lambda k: pu._label(*k)) == row["a"]]
    b = episodes[episodes[pe.KEYS].apply(tuple, axis=1).map(lambda k: pu._label(*k)) == row["b"]]
    both = a[a["game"] == row["game"]].merge(
        b[b["game"] == row["game"]], on=["game", "experiment", "instance_id"]
    )
    table = pd.crosstab(both["played_x"], both["played_y"]).reindex(
        index=[1, 0], columns=[1, 0], fill_value=0
    )
    assert row["p"] == pytest.approx(mcnemar(table.to_numpy(), exact=True).pvalue)
    assert set(paired["family"]) <= {"route", "quant"}
    assert set(paired["instances"]) == {419, 420}  # the groq run lacks one episode


def test_paired_tests_replace_summary_tests_only_where_both_sides_have_episodes():
    def row(a: str, b: str, p: float) -> dict:
        return {"family": "route", "model": LLAMA3_70B, "a": a, "b": b, "difference": 1.0}  | {
            "low": -1.0, "high": 3.0, "p": p, "min_p": 0.001, "equivalent": False
        }  # fmt: skip

    summary = pu._holm(pd.DataFrame([row("x", "y", 0.2), row("x", "z", 0.03)]), ["family"])
    paired = pu._holm(pd.DataFrame([row("x", "y", 0.001), row("q", "r", 0.001)]), ["family"])
    best = pe.best_available(summary, paired)
    assert best["paired"].tolist() == [True, False]
    assert best["p"].tolist() == [0.001, 0.03]
    assert best["p_holm"].tolist() == pytest.approx([0.002, 0.03])  # Holm recomputed
    assert best["significant"].tolist() == [True, True]
