"""The transfer figure reads at print size: no text under 7 pt at the paper's text width, and
the three roles print as distinct greys."""

from clemgrid.analysis import readability
from clemgrid.analysis.dilemma import Counts
from clemgrid.analysis.transfer_figures import ROLES, transfer_figure
from clemgrid.analysis.transfer_report import transfer_summary


def _rows():
    table = {
        ("in_sample", f"ctx{i}_prison"): {
            "base": Counts(b, 20 - b),
            "finetuned": Counts(f, 20 - f),
            "teacher": Counts(t, 300 - t),
        }
        for i, (b, f, t) in enumerate([(2, 10, 150), (5, 8, 240), (10, 11, 152), (4, 9, 60)])
    }
    roles = {"student": ["s", "b", "q"], "base": ["s", "b", "p"], "teacher": {"m": "t"}}
    return transfer_summary(table, roles, n_boot=20)[0]


def test_readable_at_text_width():
    figure = transfer_figure(_rows())
    scale = readability.printed_scale(figure, readability.TEXT_WIDTH)
    assert readability.small_texts(figure, scale) == []


def test_roles_are_distinct_in_greyscale():
    colours = [colour for *_, colour in ROLES]
    pairs = [(a, b) for i, a in enumerate(colours) for b in colours[i + 1 :]]
    assert min(readability.contrast(a, b) for a, b in pairs) > 2
    assert len({marker for _, _, marker, _ in ROLES}) == 3
