"""Figures are written as non-empty PDF and PNG files."""

import pytest

from clemgrid.analysis import figures, regression, size_statistics
from clemgrid.analysis.routes import default_route


@pytest.fixture(scope="module")
def frame(joined):
    return size_statistics.bracket_frame(joined)


def _assert_written(paths):
    for path in paths:
        assert path.exists() and path.stat().st_size > 1000


def test_profile_figure(matrix, scores, tmp_path):
    few = default_route(scores).nlargest(4, "clemscore")
    _assert_written(figures.save_figure(figures.profile_figure(matrix, few), tmp_path / "fig2"))


def test_size_figure(frame, joined, tmp_path):
    figure = figures.size_figure(frame, regression.size_frame(joined))
    _assert_written(figures.save_figure(figure, tmp_path / "fig3"))


def test_bracket_figure(frame, tmp_path):
    _assert_written(figures.save_figure(figures.bracket_figure(frame), tmp_path / "fig5"))


def test_dynamics_figure(matrix, frame, tmp_path):
    _assert_written(
        figures.save_figure(figures.dynamics_figure(matrix, frame), tmp_path / "sub" / "fig6")
    )
