"""The published-data sentences and the verdicts on paper 002's claims follow the numbers: each
function on small frames, and the macros on the real v1.6 data and on altered copies of it."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clemgrid.analysis import (
    factor_report,
    macros,
    regression,
    size_sensitivity,
    size_statistics,
    tables,
)
from clemgrid.analysis import published_prose as pp
from clemgrid.analysis import published_uncertainty as pu
from clemgrid.analysis.characteristics import join_characteristics
from clemgrid.analysis.published import published_matrix
from clemgrid.scoring import clemscores

ROOT = Path(__file__).resolve().parents[2]
V16 = ROOT / "resources" / "clembench_v1.6"
SECTIONS = ROOT / "paper" / "sections"
ORDER = ("<10B", "10-40B", "40-100B", ">100B")


def _tukey(rejects: dict[tuple[str, str], bool]) -> pd.DataFrame:
    rows = [{"group1": a, "group2": b, "reject": r} for (a, b), r in rejects.items()]
    return pd.DataFrame(rows)


def _pairs(*significant: tuple[str, str]) -> pd.DataFrame:
    pairs = [(a, b) for i, a in enumerate(ORDER) for b in ORDER[i + 1 :]]
    return _tukey({p: p in significant for p in pairs})


TOP_ONLY = _pairs(("<10B", ">100B"), ("10-40B", ">100B"), ("40-100B", ">100B"))


def _brackets(means: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"bracket": list(ORDER), "n": [5] * 4, "mean": means})


# --- sentences ------------------------------------------------------------------------------


def test_tukey_sentence_follows_the_pairs():
    assert pp.tukey_pattern(TOP_ONLY) == "top"
    assert "only the largest models" in pp.tukey_sentence(TOP_ONLY)
    none = _pairs()
    assert pp.tukey_pattern(none) == "none"
    assert "no bracket stands apart" in pp.tukey_sentence(none)
    below = _pairs(("<10B", ">100B"), ("<10B", "40-100B"))
    assert pp.tukey_pattern(below) == "below"
    assert "not confined" in pp.tukey_sentence(below)
    partly = _pairs(("<10B", ">100B"))
    assert pp.tukey_pattern(partly) == "top_partly"


def test_anova_verdict_follows_p():
    assert pp.anova_verdict(0.001) == "finds that the brackets differ"
    assert "no significant difference" in pp.anova_verdict(0.3)


def test_bracket_steps():
    rising = _brackets([10, 12, 17, 40])
    assert pp.means_rise(rising) and pp.top_step_largest(rising)
    flipped = _brackets([40, 17, 12, 10])
    assert not pp.means_rise(flipped) and not pp.top_step_largest(flipped)
    early = _brackets([5, 30, 32, 35])
    assert pp.means_rise(early) and not pp.top_step_largest(early)


def _curve(values: np.ndarray, name: str = "gam", band: np.ndarray | None = None) -> pd.DataFrame:
    x = np.linspace(-0.3, 3.3, len(values))
    band = np.ones(len(values)) if band is None else band
    return pd.DataFrame(
        {
            "log10_params": x,
            "params_b": 10**x,
            "fit": values,
            "ci_low": values - band,
            "ci_high": values + band,
            "model": name,
        }
    )


def test_curve_shape_and_sentence():
    convex = _curve(np.linspace(0, 1, 30) ** 3 * 50, band=np.linspace(10, 1, 30))
    assert pp.curve_shape(convex) == {"rising": True, "steeper_top": True, "wide_small": True}
    concave = _curve(np.sqrt(np.linspace(0, 1, 30)) * 50, name="gamm")
    assert not pp.curve_shape(concave)["steeper_top"]
    dip = _curve(np.r_[np.linspace(5, 0, 5), np.linspace(0.5, 40, 25)], name="gamm")
    assert not pp.curve_shape(dip)["rising"]
    sizes = pd.Series([0.5, 1, 7, 7, 70, 1760])
    text = pp.curve_sentence(pd.concat([convex, dip]), sizes)
    assert "GAM curve rising over the whole range" in text
    assert "GAMM curve falling between" in text
    assert "widest at the small end" in text
    assert "both curves rising" in pp.curve_sentence(
        pd.concat([convex, convex.assign(model="gamm")]), sizes
    )
    text = pp.curve_sentence(pd.concat([convex, concave]), sizes)
    assert "only one of them rises more steeply" in text


def _map(top_apart: bool) -> pd.DataFrame:
    """Eight top-bracket models and twelve below; the top ones far from the others or not."""
    rng = np.random.default_rng(0)
    lower = rng.normal(0, 1, (12, 2))
    top = rng.normal(20 if top_apart else 0, 1, (8, 2))
    brackets = [ORDER[i % 3] for i in range(12)] + [">100B"] * 8
    scores = list(np.linspace(5, 20, 12)) + list(np.linspace(30, 60, 8))
    xy = np.vstack([lower, top])
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "bracket": brackets, "clemscore": scores})


def test_tsne_sentence_follows_the_map():
    apart = pp.tsne_sentence(_map(True), TOP_ONLY)
    assert "form a region of their own" in apart and "intermingle" in apart
    assert "This agrees with Tukey's test" in apart
    mixed = pp.tsne_sentence(_map(False), TOP_ONLY)
    assert "do not form a region of their own" in mixed
    assert "agree only in part" in pp.tsne_sentence(_map(True), _pairs())


def test_per_game_sentence_counts_games():
    per_game = pd.DataFrame(
        {
            "game": ["taboo", "taboo", "wordle", "wordle"],
            "metric": ["pct_played", "quality"] * 2,
            "r2": [0.01, 0.6, 0.4, 0.1],
            "n": [20, 18, 20, 4],
            "slope": [-3.0, 31.0, 20.0, 2.0],
            "slope_p": [0.6, 0.001, 0.01, 0.3],
        }
    )
    text = pp.per_game_sentence(per_game, 20)
    assert "in 1 of the 2 games (taboo)" in text and "wordle (4)" in text
    assert "small models already follow the format" in pp.taboo_clause(per_game)
    flat = per_game.assign(slope_p=[0.01, 0.01, 0.01, 0.3])
    assert pp.taboo_clause(flat) == "."


# --- verdicts -------------------------------------------------------------------------------


def _comparisons(route_p: float, eight: tuple[float, float], four: tuple[float, float]):
    """One route pair and one 8-bit and one 4-bit comparison: (difference, Holm p) each; the
    interval is the difference plus or minus 3 points."""
    rows = [("route", "none", 5.1, route_p), ("quant", "Q8_0", *eight), ("quant", "Q4_K_M", *four)]
    frame = pd.DataFrame(rows, columns=["family", "quant_a", "difference", "p_holm"])
    frame["model"] = "m"
    frame["low"], frame["high"] = frame["difference"] - 3, frame["difference"] + 3
    frame["significant"] = frame["p_holm"] < 0.05
    frame["equivalent"] = (frame["low"] > -pp.MARGIN) & (frame["high"] < pp.MARGIN)
    return frame


def test_route_and_quantisation_verdicts_follow_the_tests():
    open_ = _comparisons(0.4, (0.5, 1.0), (-5.0, 0.3))
    assert pp.route_claim(open_).verdict == pp.NOT_ESTABLISHED
    assert pp.eight_bit_claim(open_).verdict == pp.HOLDS  # interval inside the margin
    assert pp.four_bit_claim(open_).verdict == pp.NOT_ESTABLISHED
    decided = _comparisons(0.01, (4.0, 0.01), (-5.0, 0.01))
    assert pp.route_claim(decided).verdict == pp.HOLDS
    assert pp.eight_bit_claim(decided).verdict == pp.CONTRADICTED
    assert pp.four_bit_claim(decided).verdict == pp.HOLDS
    wide = _comparisons(0.4, (3.0, 1.0), (-5.0, 0.3))
    assert pp.eight_bit_claim(wide).verdict == pp.NOT_ESTABLISHED
    assert "is not established" in pp.abstract_sentence(
        pp.route_claim(open_), pp.eight_bit_claim(wide), pp.four_bit_claim(open_)
    )


def test_quant_sentence_names_the_largest_loss():
    frame = _comparisons(0.4, (0.5, 1.0), (-8.0, 0.3))
    frame = pd.concat(
        [frame, frame.iloc[[2]].assign(model="big", difference=-1.0)], ignore_index=True
    )
    text = pp.quant_sentence(frame, {"m": 8.0, "big": 70.0})
    assert "m loses most (8.00 points), the smallest" in text
    assert "smallest" not in pp.quant_sentence(frame, {"m": 80.0, "big": 70.0})


# --- the real data, and altered copies --------------------------------------------------------


@pytest.fixture(scope="module")
def inputs() -> dict:
    """The frames the pipeline writes for the macros rule, computed from the v1.6 data."""
    matrix = published_matrix(V16 / "clembench_model_scores.csv")
    scores = clemscores(matrix)
    joined, _ = join_characteristics(
        scores, V16 / "model_characteristics.csv", ROOT / "resources/mapping/model_names.csv"
    )
    frame = size_statistics.bracket_frame(joined)
    gam = size_statistics.gam(frame, df=6)
    gamm = size_statistics.mixed_spline(frame, df=4)
    models = size_statistics.size_models(frame, size_statistics.mixed_model(frame), gam, gamm)
    estimated = size_sensitivity.estimated_sizes(
        pd.read_csv(ROOT / "resources/mapping/model_names.csv")
    )
    episodes = pu.episodes_per_game()
    intervals, samples = pu.clemscore_intervals(matrix, episodes, 500, 0)
    results = regression.size_regressions(joined)
    fit = results[regression.PARAMS]
    tsne = frame.assign(x=frame["log10_params"], y=frame["clemscore"])  # a map by construction
    return {
        "brackets": size_statistics.bracket_summary(frame),
        "anova": size_statistics.anova_brackets(frame),
        "tukey": size_statistics.tukey_brackets(frame),
        "models": models,
        "curves": pd.concat([gam["curve"].assign(model="gam"), gamm["curve"].assign(model="gamm")]),
        "params_b": frame["params_b"],
        "tsne": tsne,
        "per_game": regression.per_game_regressions(matrix, fit.frame),
        "n_size": fit.n,
        "sensitivity": size_sensitivity.sensitivity(joined, estimated),
        "robust": size_sensitivity.tests(frame),
        "coefficients": results[regression.PARAMS_TOKENS].coefficients,
        "inherited": int((fit.frame["tokens_source"] != "characteristics file").sum()),
        "spread": pp.base_spread({n: tables.build(scores, n) for n in ("1", "4")}),
        "comparisons": pu.clemscore_tests(intervals, samples),
        "sizes": dict(zip(joined["model"], joined["params_b"], strict=True)),
        "family_p": 0.01,
        "fits": regression.summary(results),
    }


def _macros(inputs: dict) -> tuple[macros.Macros, list[pp.Verdict]]:
    m = macros.Macros()
    return m, pp.prose_macros(m, **inputs)


def test_every_prose_and_claim_macro_of_the_paper_is_defined(inputs):
    m, verdicts = _macros(inputs)
    used = macros.used(SECTIONS.glob("*.tex"))
    wanted = {n for n in used if n.startswith(("Prose", "Claim"))}
    flags = {n[2:] for n in used if n.startswith(("ifProse", "ifClaim"))}
    assert wanted <= set(m.values) and flags <= set(m.flags)
    assert len(verdicts) == 7
    assert all(
        v.verdict in (pp.HOLDS, pp.QUALIFIED, pp.NOT_ESTABLISHED, pp.CONTRADICTED) for v in verdicts
    )
    for section in ("discussion", "conclusion"):
        assert f"\\input{{sections/{section}}}" in (ROOT / "paper" / "main.tex").read_text()
    assert "\\ClaimAbstractSentence" in (SECTIONS / "abstract.tex").read_text()


def test_altered_data_change_the_sentences_and_verdicts(inputs):
    m, verdicts = _macros(inputs)
    by_claim = {v.claim: v for v in verdicts}
    assert "only the largest models" in m["ProseTukeySentence"]
    assert by_claim["access route effect of about 5 points"].verdict == pp.NOT_ESTABLISHED

    flipped = dict(inputs)
    brackets = inputs["brackets"].copy()
    brackets["mean"] = brackets["mean"].to_numpy()[::-1]  # the largest models score lowest
    flipped["brackets"] = brackets
    tukey = inputs["tukey"].copy()
    tukey["reject"] = False  # and no pair of brackets differs
    flipped["tukey"] = tukey
    comparisons = inputs["comparisons"].copy()
    route = comparisons["family"] == "route"
    comparisons.loc[route, "p_holm"] = 0.001  # every route pair now differs
    comparisons.loc[route, "significant"] = True
    flipped["comparisons"] = comparisons
    other, altered = _macros(flipped)
    changed = {v.claim: v for v in altered}
    assert other["ProseTukeySentence"] != m["ProseTukeySentence"]
    assert "no bracket stands apart" in other["ProseTukeySentence"]
    assert other.flags["ProseBracketMeansRise"][0] is False
    assert changed["size matters most at the top"].verdict == pp.NOT_ESTABLISHED
    assert changed["access route effect of about 5 points"].verdict == pp.HOLDS
    assert other["ClaimAbstractSentence"] != m["ClaimAbstractSentence"]
    assert other["ClaimsHoldList"] != m["ClaimsHoldList"]
    assert m.flags["ClaimsRunsOpen"][0]  # the 8-bit and 4-bit claims stay undecided


def test_factor_sentences_follow_the_models():
    groups = pd.DataFrame(
        {
            "factor": ["family"] * 3,
            "level": ["a", "b", "c"],
            "n": [3, 6, 1],
            "tested": [True, True, False],
            "dataset": ["scores"] * 3,
        }
    )
    assert factor_report.family_sizes(groups) == "3 to 6"
    per_model = pd.DataFrame(
        {
            "commercial": ["yes", "yes", "no", "no"],
            "bracket": [">100B", None, "<10B", "40-100B"],
            "params_b": [1760.0, None, 7.0, 70.0],
            "family": ["a", "b", "a", "b"],
        }
    )
    text = pp.confounding_sentence(per_model, groups)
    assert text.startswith("every commercial model is above")
    assert "from 883.5 to 70 billion" not in text and "ranges from" in text
    small = per_model.assign(bracket=["<10B", None, "<10B", "40-100B"], params_b=[7, None, 7, 70])
    assert pp.confounding_sentence(small, groups).startswith("1 of the 2 commercial models")
