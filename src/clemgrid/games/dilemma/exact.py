"""Exact mode of the dilemma: P(C) and P(D) from the first answer token, no sampling.

The prompt ends "Answer with a single letter: C or D", so the first answer token is the choice
whenever the answer is in the strict format. A token counts for C (D) exactly when the strict
parse reads its text alone as C (D): "C", " C", "c", "C." do; "Answer", "**", "Cons" do not and
go to "other". The public-goods game's amounts span several tokens ("10"), so it has no exact
mode here; its instances are skipped.
"""

from __future__ import annotations

from clemgrid.games.base import Instance
from clemgrid.games.dilemma.master import is_public_goods
from clemgrid.games.dilemma.parse import read_choice


def classify(token_text: str) -> str | None:
    """The choice a token's text strictly reads as ("C" / "D"), or None."""
    value = read_choice(token_text).strict
    return value if isinstance(value, str) else None


def exact_instances(instances: list[Instance]) -> list[Instance]:
    """The instances exact mode covers: the two-player games."""
    return [inst for inst in instances if not is_public_goods(inst)]
