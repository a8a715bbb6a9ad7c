"""The significance and interval levels are read where they are used, so setting them once
(as a configuration will) changes every test decision, interval, header and note."""

import pandas as pd

from clemgrid.analysis import agreement, latex, macros, settings, size_statistics


def test_defaults():
    assert (settings.ALPHA, settings.LEVEL) == (0.05, 0.95)
    assert settings.interval_alpha() == 0.05  # exactly: statsmodels gets what it always got
    assert settings.percent() == "95" and latex.ci_header() == "95\\,\\% CI"


def test_a_new_level_reaches_headers_notes_and_macros(monkeypatch):
    monkeypatch.setattr(settings, "LEVEL", 0.9)
    monkeypatch.setattr(settings, "ALPHA", 0.1)
    assert settings.interval_alpha() == 0.1 and latex.ci_header() == "90\\,\\% CI"
    summary = pd.DataFrame(columns=agreement.SUMMARY_COLUMNS)
    assert "p < 0.1 " in agreement.summary_markdown(summary, summary)
    m = macros.Macros()
    macros.convention_macros(m)
    assert "{90\\xspace}" in m.render() and "{0.10\\xspace}" in m.render()


def test_tukey_decides_at_alpha(monkeypatch):
    frame = pd.DataFrame(
        {"clemscore": [1.0, 2.0, 3.0, 2.5, 3.5, 4.5], "bracket": ["a"] * 3 + ["b"] * 3}
    )
    p = size_statistics.tukey_brackets(frame)["p_adj"].iloc[0]
    monkeypatch.setattr(settings, "ALPHA", min(0.99, p + 0.01))
    assert bool(size_statistics.tukey_brackets(frame)["reject"].iloc[0])
    monkeypatch.setattr(settings, "ALPHA", p / 2)
    assert not bool(size_statistics.tukey_brackets(frame)["reject"].iloc[0])
