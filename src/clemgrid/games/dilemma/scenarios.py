"""The facts of seed 004's scenarios: games (payoffs), social contexts, and how they combine.

Payoffs and the choice of contexts are the paper's (Lore, Ilami, Heydari); every text shown to a
model is our own (prompts/). Keys follow the published counts (`IR_prison`, ...), so that a
played scenario joins the reference table by name.
"""

from __future__ import annotations

from dataclasses import dataclass

SPLITS = ("in_sample", "oos_context", "ood_game", "pgg")
"""in_sample: the 20 training scenarios; oos_context: new contexts x the same games;
ood_game: the same contexts x the games with doubled payoffs; pgg: the public-goods game."""


@dataclass(frozen=True)
class Payoffs:
    """Payoffs to "you": R both cooperate, S you C / other D, T you D / other C, P both defect."""

    R: int
    S: int
    T: int
    P: int

    def scaled(self, factor: int) -> Payoffs:
        return Payoffs(self.R * factor, self.S * factor, self.T * factor, self.P * factor)

    def as_dict(self) -> dict[str, int]:
        return {"R": self.R, "S": self.S, "T": self.T, "P": self.P}


GAMES: dict[str, Payoffs] = {
    "prison": Payoffs(R=5, S=2, T=10, P=3),  # prisoner's dilemma: T > R > P > S
    "snowdrift": Payoffs(R=5, S=3, T=10, P=2),  # chicken: T > R > S > P
    "staghunt": Payoffs(R=10, S=2, T=5, P=3),  # R > T > P > S
    "delight": Payoffs(R=10, S=3, T=5, P=2),  # prisoner's delight / harmony: R > T > S > P
}
GAME_TITLES = {
    "prison": "prisoner's dilemma",
    "snowdrift": "snowdrift",
    "staghunt": "stag hunt",
    "delight": "prisoner's delight",
}
ORDERINGS = {
    "prison": "TRPS",
    "snowdrift": "TRSP",
    "staghunt": "RTPS",
    "delight": "RTSP",
}
"""Each game's payoffs from highest to lowest; what makes it that game."""

DOUBLING = 2  # the out-of-distribution games: every payoff doubled

IN_SAMPLE_CONTEXTS = ("IR", "biz", "environment", "team", "friendsharing")
OOS_CONTEXTS = ("athletes", "roommates", "ventcap")

PGG_PLAYERS = 4
PGG_ENDOWMENT = 10
PGG_MULTIPLIER = 2.5


def ordering(payoffs: Payoffs) -> str:
    """The payoff labels from highest to lowest (ties broken alphabetically, none occur)."""
    values = payoffs.as_dict()
    return "".join(sorted(values, key=lambda k: (-values[k], k)))


@dataclass(frozen=True)
class Scenario:
    split: str
    context: str
    game: str  # a key of GAMES, or "pgg"
    payoffs: Payoffs | None  # None for the public-goods game
    scale: int = 1

    @property
    def key(self) -> str:
        """The scenario's name: `<context>_<game>` as in the published counts, plus `_x2`."""
        if self.game == "pgg":
            return "pgg"
        suffix = f"_x{self.scale}" if self.scale != 1 else ""
        return f"{self.context}_{self.game}{suffix}"


def scenarios() -> list[Scenario]:
    """All scenarios in a fixed order: splits as in SPLITS, contexts, then games."""
    out = [Scenario("in_sample", c, g, GAMES[g]) for c in IN_SAMPLE_CONTEXTS for g in GAMES]
    out += [Scenario("oos_context", c, g, GAMES[g]) for c in OOS_CONTEXTS for g in GAMES]
    out += [
        Scenario("ood_game", c, g, GAMES[g].scaled(DOUBLING), DOUBLING)
        for c in IN_SAMPLE_CONTEXTS
        for g in GAMES
    ]
    out.append(Scenario("pgg", "neutral", "pgg", None))
    return out
