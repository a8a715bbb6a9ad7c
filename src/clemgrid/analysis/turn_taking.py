"""The turn-taking experiment: a model with a wrong end-of-turn token against the right one.

Bhavsar et al. (2024, App. D) name turn-taking among the inference details that can move
%played, with Llama-3's Hugging Face release as the example: its stop token was end-of-text
instead of end-of-turn, so generation ran past the end of the turn. A registry entry whose `facts.misconfigured`
names the correct entry (`of`) reproduces such a mistake on the same weights
(`SmolLM2-135M-Instruct-wrong-eot`: `chat.end_of_turn: ["<|endoftext|>"]`). For every grid
config of a misconfigured entry whose reference entry is in the grid on the same backend and
quant, :func:`compare` reports per game %played and quality of both, the mean response length
in characters and completion tokens, how the turns stopped (end-of-turn token, stop string,
length limit), and McNemar's test on played over the instances both played.

The experiment follows the grid: a misconfigured entry that is not in the grid next to its
reference is listed by :func:`missing` with the grid entries it needs, and nothing fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from clemgrid.analysis.agreement import ConfigKey, markdown_table, mean_quality
from clemgrid.analysis.uncertainty import paired_tests

STOP_REASONS = ("end_of_turn", "stop_string", "length")
ALL_GAMES = "all games"


def misconfiguration(models: Mapping[str, Any], model: str) -> Mapping[str, str] | None:
    """The `facts.misconfigured` label of a registry model (None for a correct entry)."""
    return (models.get(model, {}).get("facts") or {}).get("misconfigured")


@dataclass(frozen=True)
class Experiment:
    reference: ConfigKey
    misconfigured: ConfigKey
    what: str
    end_of_turn_reference: tuple[str, ...] | None
    end_of_turn_misconfigured: tuple[str, ...] | None

    @property
    def name(self) -> str:
        return f"{self.misconfigured.stem}--{self.reference.stem}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference": dict(self.reference.__dict__),
            "misconfigured": dict(self.misconfigured.__dict__),
            "what": self.what,
            "end_of_turn_reference": self.end_of_turn_reference,
            "end_of_turn_misconfigured": self.end_of_turn_misconfigured,
        }

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> Experiment:
        def strings(v: Sequence[str] | None) -> tuple[str, ...] | None:
            return None if v is None else tuple(v)

        return cls(
            ConfigKey(**value["reference"]),
            ConfigKey(**value["misconfigured"]),
            value["what"],
            strings(value["end_of_turn_reference"]),
            strings(value["end_of_turn_misconfigured"]),
        )


def _end_of_turn(models: Mapping[str, Any], model: str) -> tuple[str, ...] | None:
    strings = (models[model].get("chat") or {}).get("end_of_turn")
    return None if strings is None else tuple(strings)


def experiments(configs: Iterable[ConfigKey], models: Mapping[str, Any]) -> list[Experiment]:
    """(reference, misconfigured) configs on the same backend and quant, both in the grid."""
    configs = list(configs)
    in_grid = set(configs)
    found = []
    for c in configs:
        label = misconfiguration(models, c.model)
        if not label:
            continue
        reference = ConfigKey(label["of"], c.backend, c.quant)
        if reference in in_grid:
            found.append(
                Experiment(
                    reference,
                    c,
                    label["what"],
                    _end_of_turn(models, reference.model),
                    _end_of_turn(models, c.model),
                )
            )
    return found


def missing(configs: Iterable[ConfigKey], models: Mapping[str, Any]) -> list[str]:
    """One line per misconfigured registry entry that is not compared, naming the grid
    entries that would make the comparison (its reference's configs, if any, else the quants
    the entry has, on llama_cpp)."""
    configs = list(configs)
    compared = {e.misconfigured.model for e in experiments(configs, models)}
    lines = []
    for model, entry in models.items():
        label = misconfiguration(models, model)
        if not label or model in compared:
            continue
        quants = list(entry.get("weights") or {})
        wanted = [
            ConfigKey(model, c.backend, c.quant)
            for c in configs
            if c.model == label["of"] and c.quant in quants
        ] or [ConfigKey(model, "llama_cpp", q) for q in quants[:1]]
        needed = [ConfigKey(label["of"], w.backend, w.quant) for w in wanted]
        entries = "; ".join(
            f"{{model: {k.model}, backend: {k.backend}, quant: {k.quant}}}"
            for k in dict.fromkeys([*wanted, *needed])
            if k not in set(configs)
        )
        lines.append(f"{model} ({label['what']}): not in the grid; needs {entries}")
    return lines


COLUMNS = [
    "experiment",
    "reference",
    "misconfigured",
    "what",
    "configured_end_of_turn_reference",
    "configured_end_of_turn_misconfigured",
    "game",
    "episodes",
    "pct_played_reference",
    "pct_played_misconfigured",
    "quality_reference",
    "quality_misconfigured",
    "turns_reference",
    "turns_misconfigured",
    "mean_chars_reference",
    "mean_chars_misconfigured",
    "mean_tokens_reference",
    "mean_tokens_misconfigured",
    *[f"stop_{r}_{side}" for side in ("reference", "misconfigured") for r in STOP_REASONS],
    "played_reference_only",
    "played_misconfigured_only",
    "mcnemar_p",
]


def _side(turns: pd.DataFrame, scores: pd.DataFrame, side: str) -> dict[str, Any]:
    chars = turns["response"].fillna("").str.len()
    stops = turns["stop_reason"].value_counts()
    return {
        f"pct_played_{side}": 100 * scores["played"].mean() if len(scores) else float("nan"),
        f"quality_{side}": mean_quality(scores),
        f"turns_{side}": len(turns),
        f"mean_chars_{side}": float(chars.mean()) if len(turns) else float("nan"),
        f"mean_tokens_{side}": float(turns["completion_tokens"].mean())
        if len(turns)
        else float("nan"),
        **{f"stop_{r}_{side}": int(stops.get(r, 0)) for r in STOP_REASONS},
    }


def _strings(strings: Sequence[str] | None) -> str:
    return "weights' EOS" if strings is None else ", ".join(strings)


def compare(
    experiment: Experiment,
    turns_reference: pd.DataFrame,
    turns_misconfigured: pd.DataFrame,
    scores_reference: pd.DataFrame,
    scores_misconfigured: pd.DataFrame,
) -> pd.DataFrame:
    """One row per game both played, then one row over all games (`game` = "all games";
    its %played and quality are means over games, as clemscore averages them)."""
    rows = []
    games = sorted(set(scores_reference["game"]) & set(scores_misconfigured["game"]))
    for game in games:
        sr = scores_reference[scores_reference["game"] == game]
        sm = scores_misconfigured[scores_misconfigured["game"] == game]
        try:
            test = paired_tests(sm, sr, n_resamples=999)
        except ValueError:  # no instance both played: nothing to compare in this game
            continue
        rows.append(
            {
                "game": game,
                "episodes": test.n_pairs,
                **_side(turns_reference[turns_reference["game"] == game], sr, "reference"),
                **_side(
                    turns_misconfigured[turns_misconfigured["game"] == game], sm, "misconfigured"
                ),
                "played_reference_only": test.played_b_only,
                "played_misconfigured_only": test.played_a_only,
                "mcnemar_p": test.mcnemar_p,
            }
        )
    frame = pd.DataFrame(rows)
    if len(frame):
        turns = (
            turns_reference[turns_reference["game"].isin(games)],
            turns_misconfigured[turns_misconfigured["game"].isin(games)],
        )
        total = {
            "game": ALL_GAMES,
            "episodes": int(frame["episodes"].sum()),
            **_side(turns[0], scores_reference.iloc[:0], "reference"),
            **_side(turns[1], scores_misconfigured.iloc[:0], "misconfigured"),
            "played_reference_only": int(frame["played_reference_only"].sum()),
            "played_misconfigured_only": int(frame["played_misconfigured_only"].sum()),
            "mcnemar_p": float("nan"),
        }
        for side in ("reference", "misconfigured"):
            total[f"pct_played_{side}"] = frame[f"pct_played_{side}"].mean()
            total[f"quality_{side}"] = frame[f"quality_{side}"].mean()
        frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    frame = frame.assign(
        experiment=experiment.name,
        reference=experiment.reference.label,
        misconfigured=experiment.misconfigured.label,
        what=experiment.what,
        configured_end_of_turn_reference=_strings(experiment.end_of_turn_reference),
        configured_end_of_turn_misconfigured=_strings(experiment.end_of_turn_misconfigured),
    )
    return frame.reindex(columns=COLUMNS)


def summarize(
    experiments: Iterable[Experiment], turns: pd.DataFrame, scores: pd.DataFrame
) -> pd.DataFrame:
    """:func:`compare` for every experiment, from the transcripts and scores of all their
    configs in one frame each."""

    def of(frame: pd.DataFrame, key: ConfigKey) -> pd.DataFrame:
        return frame[
            (frame["model"] == key.model)
            & (frame["backend"] == key.backend)
            & (frame["quant"] == key.quant)
        ]

    parts = [
        compare(
            e,
            of(turns, e.reference),
            of(turns, e.misconfigured),
            of(scores, e.reference),
            of(scores, e.misconfigured),
        )
        for e in experiments
    ]
    return pd.concat(parts, ignore_index=True) if parts else empty()


def empty() -> pd.DataFrame:
    """The summary of a run without any experiment."""
    return pd.DataFrame(columns=COLUMNS)


MD_COLUMNS = [
    "game",
    "episodes",
    "pct_played_reference",
    "pct_played_misconfigured",
    "mean_chars_reference",
    "mean_chars_misconfigured",
    "mean_tokens_reference",
    "mean_tokens_misconfigured",
    *[f"stop_{r}_reference" for r in STOP_REASONS],
    *[f"stop_{r}_misconfigured" for r in STOP_REASONS],
    "mcnemar_p",
]


def summary_markdown(summary: pd.DataFrame, notes: Sequence[str]) -> str:
    out = [
        "# Turn-taking: a wrong end-of-turn token against the right one\n",
        "Per game: %played, mean response length (characters, completion tokens) and how "
        "turns stopped (stop_end_of_turn: an end-of-turn token; stop_stop_string: an "
        "end-of-turn string in the text; stop_length: the max_tokens limit), for the correctly "
        "configured entry (reference) and the deliberately misconfigured one on the same "
        "backend and quant; McNemar's test on played.\n",
    ]
    out += [f"- {note}" for note in notes] + ([""] if notes else [])
    if summary.empty:
        out.append("No comparison was run.\n")
        return "\n".join(out)
    for _, part in summary.groupby("experiment", sort=True):
        first = part.iloc[0]
        out.append(f"## {first['misconfigured']} vs {first['reference']}\n")
        out.append(
            f"{first['what']}. End of turn: reference `{first['configured_end_of_turn_reference']}`, "
            f"misconfigured `{first['configured_end_of_turn_misconfigured']}`.\n"
        )
        out.append(markdown_table(part, MD_COLUMNS))
    return "\n".join(out)


def latex_table(summary: pd.DataFrame) -> str:
    """The paper's table: per experiment and game, %played, mean length, share of turns that
    ran to the length limit."""
    from clemgrid.analysis import latex, render
    from clemgrid.analysis.render import Column

    def number(key: str, header: str, digits: int) -> Column:
        return Column(key, header=header, format=lambda v: latex.number(v, digits), align="r")

    def stops(side: str) -> Callable[[Any], str]:
        return lambda r: f"{getattr(r, f'stop_length_{side}')}/{getattr(r, f'turns_{side}')}"

    columns = [
        Column("game", header="Game", format=latex.escape),
        number("pct_played_reference", "\\% played ref.", 1),
        number("pct_played_misconfigured", "\\% played wrong", 1),
        number("mean_chars_reference", "Chars ref.", 0),
        number("mean_chars_misconfigured", "Chars wrong", 0),
        number("mean_tokens_reference", "Tokens ref.", 1),
        number("mean_tokens_misconfigured", "Tokens wrong", 1),
        *(
            Column(stops(side), header=f"Length stops {name}", format=str, align="r")
            for side, name in (("reference", "ref."), ("misconfigured", "wrong"))
        ),
    ]
    rows = summary.sort_values("experiment", kind="stable").reset_index(drop=True)
    experiment = rows["experiment"].tolist()
    breaks = [i for i in range(len(rows)) if i == 0 or experiment[i] != experiment[i - 1]]
    return render.latex(rows, columns, breaks=breaks)


def length_share(row: Mapping[str, Any], side: str) -> float:
    """Percent of a side's turns that ran to the length limit."""
    turns = row[f"turns_{side}"]
    return 100 * row[f"stop_length_{side}"] / turns if turns else float("nan")
