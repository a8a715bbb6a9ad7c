"""Can a figure be read where the paper prints it? Checks on the matplotlib objects.

A figure is drawn at one size and printed at another (``\\includegraphics[width=...]``), so a
7 pt label on a 9 inch figure printed 6.4 inches wide is 5 pt on paper. These helpers measure
what the reader gets: every text's size after scaling to the printed width, whether two labels'
boxes overlap, and whether colours that tell things apart still do in greyscale.
"""

from __future__ import annotations

from itertools import combinations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.typing import ColorType

TEXT_WIDTH = (21.0 - 2 * 2.4) / 2.54
"""Text width of the paper in inches: A4 with 2.4 cm margins (paper/main.tex)."""

TEXT_HEIGHT = (29.7 - 2 * 2.4) / 2.54
MIN_POINTS = 7.0
"""Smallest text size on paper, in points."""


def _texts(figure: Figure) -> list[Text]:
    """The figure's visible, non-empty texts (tick labels, titles, legends, annotations),
    without the labels of ticks outside an axis' view, which matplotlib keeps but never draws."""
    FigureCanvasAgg(figure).draw()
    hidden = set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-9
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                if not low - span <= tick.get_loc() <= high + span:
                    hidden |= {id(tick.label1), id(tick.label2)}
    return [
        t
        for t in figure.findobj(Text)
        if t.get_visible()
        and t.get_text().strip()
        and t.get_figure() is not None
        and id(t) not in hidden
    ]


def printed_scale(
    figure: Figure, width: float, max_height: float | None = None, shrink_only: bool = False
) -> float:
    """Factor from the figure's drawn size (tight box, as saved) to its printed size:
    ``width`` inches wide, shrunk further where that would exceed ``max_height`` (the paper's
    ``max height`` with ``keepaspectratio``); with ``shrink_only`` (the paper's ``max width``)
    a narrower figure keeps its drawn size."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # runs the layout engine: without it labels stick out of the figure
    box = figure.get_tightbbox(canvas.get_renderer())
    scale = width / box.width
    if max_height is not None and box.height * scale > max_height:
        scale = max_height / box.height
    return min(scale, 1.0) if shrink_only else scale


def small_texts(figure: Figure, scale: float, minimum: float = MIN_POINTS) -> list[str]:
    """Texts smaller than ``minimum`` points once printed at ``scale``, as "text (size pt)"."""
    return [
        f"{t.get_text()!r} ({float(t.get_fontsize()) * scale:.1f} pt)"
        for t in _texts(figure)
        if float(t.get_fontsize()) * scale < minimum - 1e-9
    ]


def overlapping_texts(figure: Figure) -> list[tuple[str, str]]:
    """Pairs of texts whose drawn boxes overlap (touching edges do not count)."""
    texts = _texts(figure)
    renderer = FigureCanvasAgg(figure).get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    return [
        (a, b)
        for (a, box_a), (b, box_b) in combinations(boxes, 2)
        if box_a.x0 < box_b.x1 - 0.5
        and box_b.x0 < box_a.x1 - 0.5
        and box_a.y0 < box_b.y1 - 0.5
        and box_b.y0 < box_a.y1 - 0.5
    ]


def grey(colour: ColorType) -> float:
    """Relative luminance (0 black to 1 white; WCAG's weights on linearised sRGB): the grey a
    colour prints as."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: ColorType, b: ColorType) -> float:
    """WCAG contrast ratio of two colours' greys (1: the same grey, 21: black on white)."""
    high, low = sorted((grey(a), grey(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
