"""Agreement of two configs on the same instances: do two routes to one model say the same?

The paper found that one model's clemscore depends on how it is accessed (Table 2) and
guessed at the reasons (App. D: chat templates, unexposed sampling parameters, turn-taking).
At temperature 0 our backends are deterministic, so two configs that run the same weights
(llama.cpp and transformers on one GGUF, a llama.cpp server, another quant) can be compared
answer by answer, not only score by score. For a pair of configs (A, B) and each game:

- **Alignment.** Episodes are paired by (game, experiment, instance id). Within a pair, requests
  are compared in order (by `step`) as long as both configs sent the model the *same messages*;
  the first request whose messages differ (or that only one config made) is where the
  conversation diverged, and nothing after it is compared. An aligned turn is thus one where both
  configs answered the identical input.
- **Identical responses.** The share of aligned turns whose raw responses are identical.
- **First difference.** For a differing response, the character position of the first difference
  and the token position: the number of leading tokens both responses share when each is
  tokenized with the model's tokenizer (the GGUF's vocabulary, loaded with llama.cpp's
  `vocab_only`), or, when no local GGUF is at hand, the number of leading whitespace-separated
  words they share (`token_unit` says which).
- **Rendered prompts.** Local backends record the prompt string they fed the model. For every
  episode pair the first prompts are compared (identical, or the first differing position with
  its context): a different chat template or BOS handling shows up here. A server renders the
  prompt itself and records none ("not recorded").
- **Scores.** %played and quality of both configs per game, and the paired tests of
  :func:`clemgrid.analysis.uncertainty.paired_tests` (permutation test on quality, McNemar on
  played) on the instances both played.

Which pairs: the config's `agreement:` list, or by default every two configs of the grid that
run one (non-synthetic) model at one quant on different backends (:func:`default_pairs`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clemgrid.analysis import render, settings
from clemgrid.analysis.render import Column
from clemgrid.analysis.uncertainty import PairedTest, paired_tests
from clemgrid.keys import ConfigKey

EPISODE_KEYS = ["game", "experiment", "instance_id"]
TRUNCATE = 200  # characters of a response shown in the detail file
CONTEXT = 40  # characters shown on each side of a prompt difference
WHITESPACE_UNIT = "whitespace-separated words"

Tokenize = Callable[[str], Sequence[Any]]


# --- which pairs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    a: ConfigKey
    b: ConfigKey

    @property
    def name(self) -> str:
        """The pair's file name stem (names are letters, digits, '.', '_', '-')."""
        return f"{self.a.stem}--{self.b.stem}"

    def to_dict(self) -> dict[str, dict[str, str]]:
        return {"a": dict(self.a.__dict__), "b": dict(self.b.__dict__)}

    @classmethod
    def from_dict(cls, value: Mapping[str, Mapping[str, str]]) -> Pair:
        return cls(ConfigKey(**value["a"]), ConfigKey(**value["b"]))

    @property
    def label(self) -> str:
        if self.a.model == self.b.model:
            return f"{self.a.model}: {self.a.backend}/{self.a.quant} vs {self.b.backend}/{self.b.quant}"
        return f"{self.a.label} vs {self.b.label}"


def _synthetic(models: Mapping[str, Any], model: str) -> bool:
    return bool((models.get(model, {}).get("facts") or {}).get("synthetic"))


def default_pairs(configs: Iterable[ConfigKey], models: Mapping[str, Any]) -> list[Pair]:
    """Every two configs, in grid order, that run the same model at the same quant on
    different backends; synthetic players (whose "weights" are a policy) are left out."""
    configs = [c for c in configs if not _synthetic(models, c.model)]
    return [
        Pair(a, b)
        for i, a in enumerate(configs)
        for b in configs[i + 1 :]
        if (a.model, a.quant) == (b.model, b.quant) and a.backend != b.backend
    ]


def pairs_of(
    config: Mapping[str, Any], configs: Iterable[ConfigKey], models: Mapping
) -> list[Pair]:
    """The pairs a run compares: `config["agreement"]` when given (checked against the grid by
    `registry.load_grid`), else :func:`default_pairs`. Names are unique."""
    declared = config.get("agreement")
    if declared is None:
        pairs = default_pairs(configs, models)
    else:
        pairs = [Pair.from_dict(p) for p in declared]
    names = [p.name for p in pairs]
    if len(set(names)) != len(names):
        raise ValueError(f"agreement pairs are not unique: {names}")
    return pairs


# --- tokenizers ---------------------------------------------------------------------------------


def whitespace_tokens(text: str) -> list[str]:
    return text.split()


def local_gguf(model: str, quant: str, model_entry: Mapping[str, Any]) -> Path | None:
    """The GGUF file of these weights if it is on this machine, else None (an API model, a
    model directory, a hub file missing from the cache: nothing is downloaded, provided
    HF_HUB_OFFLINE=1 was set before huggingface_hub was imported)."""
    from clemgrid.backends.weights import weight_file
    from clemgrid.sources import ModelQuant

    try:
        path = weight_file(ModelQuant(model, quant, model_entry["weights"]))
    except Exception:  # any source that does not resolve to a local file
        return None
    return path if path.suffix == ".gguf" and path.is_file() else None


def gguf_tokenizer(path: str | Path) -> Tokenize:
    """The vocabulary of a GGUF file (no weights are loaded); special tokens such as
    <|im_end|> in a response count as one token, as the model generated them."""
    import llama_cpp

    vocab = llama_cpp.Llama(model_path=str(path), vocab_only=True, verbose=False)

    def tokenize(text: str) -> list[int]:
        return vocab.tokenize(text.encode(), add_bos=False, special=True)

    return tokenize


def pair_tokenizer(
    weights: Iterable[tuple[str, str, Mapping[str, Any]]],
) -> tuple[Tokenize | None, str | None]:
    """(tokenize, token unit) from the first local GGUF among (model, quant, model entry) of a
    pair's two configs, else (None, None): positions then count whitespace words."""
    for model, quant, entry in weights:
        path = local_gguf(model, quant, entry)
        if path is not None:
            return gguf_tokenizer(path), f"tokens of {path.name}"
    return None, None


# --- comparing two transcripts ------------------------------------------------------------------


def common_prefix(a: Sequence[Any], b: Sequence[Any]) -> int:
    """Length of the longest common prefix of two sequences (strings or token lists)."""
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def context(text: str, position: int, width: int = CONTEXT) -> str:
    """`text` around `position`, one line, with … where it was cut."""
    start, end = max(0, position - width), position + width
    piece = text[start:end]
    piece = ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")
    return piece.replace("\n", "\\n")


def truncate(text: str, limit: int = TRUNCATE) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[:limit] + "…"


def _text(value: Any) -> str | None:
    """A string cell (None/NaN as None)."""
    missing = value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))
    return None if missing else str(value)


def _episodes(turns: pd.DataFrame) -> dict[tuple[str, str, str], pd.DataFrame]:
    if turns.empty:
        return {}
    return {
        (str(key[0]), str(key[1]), str(key[2])): group.sort_values(
            "step", kind="stable"
        ).reset_index(drop=True)
        for key, group in turns.groupby(EPISODE_KEYS, sort=True)
    }


TURN_COLUMNS = [
    *EPISODE_KEYS,
    "step",
    "player",
    "identical",
    "first_diff_char",
    "first_diff_token",
    "prompt_identical",
    "stop_reason_a",
    "stop_reason_b",
    "completion_tokens_a",
    "completion_tokens_b",
    "response_a",
    "response_b",
]
EPISODE_COLUMNS = [
    *EPISODE_KEYS,
    "steps_a",
    "steps_b",
    "aligned",
    "identical",
    "diverged_at",
    "status",
    "first_prompt",
    "first_prompt_diff_char",
    "first_prompt_context_a",
    "first_prompt_context_b",
]


def align(
    turns_a: pd.DataFrame, turns_b: pd.DataFrame, tokenize: Tokenize = whitespace_tokens
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(aligned turns, episode pairs) of two configs' transcripts (rows of `TURN_SCHEMA`).

    An episode's status is "complete" (every request of both aligned), "diverged" (the messages
    differ at step `diverged_at`), "shorter" (no divergence, but one config's episode ended
    earlier) or "only A"/"only B" (one config did not play the instance)."""
    episodes_a, episodes_b = _episodes(turns_a), _episodes(turns_b)
    turns, episodes = [], []
    for key in sorted(set(episodes_a) | set(episodes_b)):
        ea, eb = episodes_a.get(key), episodes_b.get(key)
        keys = dict(zip(EPISODE_KEYS, key, strict=True))
        if ea is None or eb is None:
            episodes.append(
                {
                    **keys,
                    "steps_a": 0 if ea is None else len(ea),
                    "steps_b": 0 if eb is None else len(eb),
                    "aligned": 0,
                    "identical": 0,
                    "diverged_at": None,
                    "status": "only B" if ea is None else "only A",
                    "first_prompt": "not compared",
                }
            )
            continue
        aligned = identical = 0
        diverged_at = None
        for k in range(min(len(ea), len(eb))):
            ra, rb = ea.iloc[k], eb.iloc[k]
            if ra["messages"] != rb["messages"]:
                diverged_at = k
                break
            aligned += 1
            response_a, response_b = _text(ra["response"]) or "", _text(rb["response"]) or ""
            same = response_a == response_b
            identical += same
            prompt_a, prompt_b = _text(ra["rendered_prompt"]), _text(rb["rendered_prompt"])
            turns.append(
                {
                    **keys,
                    "step": int(ra["step"]),
                    "player": ra["player"],
                    "identical": same,
                    "first_diff_char": None if same else common_prefix(response_a, response_b),
                    "first_diff_token": None
                    if same
                    else common_prefix(tokenize(response_a), tokenize(response_b)),
                    "prompt_identical": None
                    if prompt_a is None or prompt_b is None
                    else prompt_a == prompt_b,
                    "stop_reason_a": ra["stop_reason"],
                    "stop_reason_b": rb["stop_reason"],
                    "completion_tokens_a": int(ra["completion_tokens"]),
                    "completion_tokens_b": int(rb["completion_tokens"]),
                    "response_a": response_a,
                    "response_b": response_b,
                }
            )
        if diverged_at is not None:
            status = "diverged"
        elif len(ea) != len(eb):
            status = "shorter"
        else:
            status = "complete"
        episodes.append(
            {
                **keys,
                "steps_a": len(ea),
                "steps_b": len(eb),
                "aligned": aligned,
                "identical": identical,
                "diverged_at": diverged_at,
                "status": status,
                **_first_prompts(
                    _text(ea.iloc[0]["rendered_prompt"]), _text(eb.iloc[0]["rendered_prompt"])
                ),
            }
        )
    counts = ("first_diff_char", "first_diff_token", "completion_tokens_a", "completion_tokens_b")
    turn_frame = pd.DataFrame(turns, columns=TURN_COLUMNS).astype(dict.fromkeys(counts, "Int64"))
    episode_frame = pd.DataFrame(episodes, columns=EPISODE_COLUMNS).astype(
        dict.fromkeys(("diverged_at", "first_prompt_diff_char"), "Int64")
    )
    return turn_frame, episode_frame


def _first_prompts(a: str | None, b: str | None) -> dict[str, Any]:
    if a is None or b is None:
        return {"first_prompt": "not recorded"}
    if a == b:
        return {"first_prompt": "identical"}
    position = common_prefix(a, b)
    return {
        "first_prompt": "different",
        "first_prompt_diff_char": position,
        "first_prompt_context_a": context(a, position),
        "first_prompt_context_b": context(b, position),
    }


# --- per game and per pair ----------------------------------------------------------------------

PAIRED_FIELDS = list(PairedTest.__dataclass_fields__)
GAME_COLUMNS = [
    "pair",
    "config_a",
    "config_b",
    "game",
    "episodes",
    "episodes_complete",
    "aligned_turns",
    "identical_turns",
    "identical_share",
    "median_first_diff_token",
    "median_first_diff_char",
    "prompt_turns_compared",
    "prompt_turns_identical",
    "first_prompts_compared",
    "first_prompts_identical",
    "pct_played_a",
    "pct_played_b",
    "pct_played_delta",
    "quality_a",
    "quality_b",
    "quality_delta",
    *PAIRED_FIELDS,
]


def _share(part: int, whole: int) -> float:
    return 100 * part / whole if whole else float("nan")


def _median(values: pd.Series) -> float:
    values = values.dropna()
    return float(values.median()) if len(values) else float("nan")


def mean_quality(scores: pd.DataFrame) -> float:
    """Mean quality of the played episodes (unrounded; NaN when none was played)."""
    quality = scores["quality"].dropna()
    return float(quality.mean()) if len(quality) else float("nan")


def game_table(
    pair: Pair,
    turns: pd.DataFrame,
    episodes: pd.DataFrame,
    scores_a: pd.DataFrame,
    scores_b: pd.DataFrame,
    n_resamples: int = 9999,
    seed: int = 0,
) -> pd.DataFrame:
    """One row per game both configs played: agreement counts, score deltas, paired tests."""
    rows = []
    games = sorted(set(scores_a["game"]) & set(scores_b["game"]))
    for game in games:
        t = turns[turns["game"] == game]
        e = episodes[episodes["game"] == game]
        sa, sb = scores_a[scores_a["game"] == game], scores_b[scores_b["game"] == game]
        prompts = t["prompt_identical"].dropna()
        first = e[e["first_prompt"].isin(["identical", "different"])]
        try:
            test = paired_tests(sa, sb, n_resamples=n_resamples, seed=seed).__dict__
        except ValueError:  # no common instance
            test = dict.fromkeys(PAIRED_FIELDS, float("nan"))
        pct_a, pct_b = 100 * sa["played"].mean(), 100 * sb["played"].mean()
        quality_a, quality_b = mean_quality(sa), mean_quality(sb)
        rows.append(
            {
                "pair": pair.name,
                "config_a": pair.a.label,
                "config_b": pair.b.label,
                "game": game,
                "episodes": int((~e["status"].isin(["only A", "only B"])).sum()),
                "episodes_complete": int((e["status"] == "complete").sum()),
                "aligned_turns": len(t),
                "identical_turns": int(t["identical"].sum()),
                "identical_share": _share(int(t["identical"].sum()), len(t)),
                "median_first_diff_token": _median(t["first_diff_token"].astype(float)),
                "median_first_diff_char": _median(t["first_diff_char"].astype(float)),
                "prompt_turns_compared": len(prompts),
                "prompt_turns_identical": int(prompts.astype(bool).sum()),
                "first_prompts_compared": len(first),
                "first_prompts_identical": int((first["first_prompt"] == "identical").sum()),
                "pct_played_a": pct_a,
                "pct_played_b": pct_b,
                "pct_played_delta": pct_a - pct_b,
                "quality_a": quality_a,
                "quality_b": quality_b,
                "quality_delta": quality_a - quality_b,
                **test,
            }
        )
    return pd.DataFrame(rows, columns=GAME_COLUMNS)


SUMMARY_COLUMNS = [
    "pair",
    "label",
    "config_a",
    "config_b",
    "games",
    "episodes",
    "episodes_complete",
    "aligned_turns",
    "identical_turns",
    "identical_share",
    "differing_turns",
    "median_first_diff_token",
    "median_first_diff_char",
    "token_unit",
    "prompt_turns_compared",
    "prompt_turns_identical",
    "first_prompts_compared",
    "first_prompts_identical",
    "avg_pct_played_a",
    "avg_pct_played_b",
    "avg_pct_played_delta",
    "avg_quality_a",
    "avg_quality_b",
    "avg_quality_delta",
    "tests",
    "quality_rejects",
    "played_rejects",
]


def summary_row(
    pair: Pair, games: pd.DataFrame, turns: pd.DataFrame, token_unit: str
) -> dict[str, Any]:
    """The pair over all its games: pooled agreement counts, the mean over games of %played
    and quality (as clemscore averages them), and how many paired tests reject at 5 %."""
    aligned, identical = int(games["aligned_turns"].sum()), int(games["identical_turns"].sum())
    tested = games.dropna(subset=["mcnemar_p"])
    return {
        "pair": pair.name,
        "label": pair.label,
        "config_a": pair.a.label,
        "config_b": pair.b.label,
        "games": len(games),
        "episodes": int(games["episodes"].sum()),
        "episodes_complete": int(games["episodes_complete"].sum()),
        "aligned_turns": aligned,
        "identical_turns": identical,
        "identical_share": _share(identical, aligned),
        "differing_turns": aligned - identical,
        "median_first_diff_token": _median(turns["first_diff_token"].astype(float)),
        "median_first_diff_char": _median(turns["first_diff_char"].astype(float)),
        "token_unit": token_unit,
        **{
            c: int(games[c].sum())
            for c in (
                "prompt_turns_compared",
                "prompt_turns_identical",
                "first_prompts_compared",
                "first_prompts_identical",
            )
        },
        "avg_pct_played_a": games["pct_played_a"].mean(),
        "avg_pct_played_b": games["pct_played_b"].mean(),
        "avg_pct_played_delta": games["pct_played_a"].mean() - games["pct_played_b"].mean(),
        "avg_quality_a": games["quality_a"].mean(),
        "avg_quality_b": games["quality_b"].mean(),
        "avg_quality_delta": games["quality_a"].mean() - games["quality_b"].mean(),
        "tests": len(tested),
        "quality_rejects": int((tested["permutation_p"] < settings.ALPHA).sum()),
        "played_rejects": int((tested["mcnemar_p"] < settings.ALPHA).sum()),
    }


@dataclass(frozen=True)
class PairReport:
    pair: Pair
    turns: pd.DataFrame
    episodes: pd.DataFrame
    games: pd.DataFrame
    summary: dict[str, Any]


def compare(
    pair: Pair,
    turns_a: pd.DataFrame,
    turns_b: pd.DataFrame,
    scores_a: pd.DataFrame,
    scores_b: pd.DataFrame,
    tokenize: Tokenize | None = None,
    token_unit: str | None = None,
    n_resamples: int = 9999,
    seed: int = 0,
) -> PairReport:
    """The whole report of one pair; without `tokenize`, positions count whitespace words."""
    if tokenize is None:
        tokenize, token_unit = whitespace_tokens, WHITESPACE_UNIT
    turns, episodes = align(turns_a, turns_b, tokenize)
    games = game_table(pair, turns, episodes, scores_a, scores_b, n_resamples, seed)
    summary = summary_row(pair, games, turns, token_unit or "tokens")
    return PairReport(pair, turns, episodes, games, summary)


# --- written reports ----------------------------------------------------------------------------


_cell = render.auto(1)


def markdown_table(frame: pd.DataFrame, columns: Sequence[str]) -> str:
    """``columns`` of ``frame`` as they are named, floats to one decimal."""
    return render.markdown(frame, [Column(c, format=_cell) for c in columns])


def _raw(header: str, text: Callable[[Any], str]) -> Column:
    """A cell the row's fields fill as they print (f-string), unescaped."""
    return Column(text, header=header, format=str, missing=False)


def _code(key: str, header: str) -> Column:
    return Column(key, header=header, format=lambda v: f"`{_cell(v)}`", missing=False)


DIFFERING_MD_COLUMNS = [
    _raw("game", lambda r: f"{r.game}"),
    Column("experiment", format=_cell),
    Column("instance_id", header="instance", format=_cell),
    _raw("step", lambda r: f"{r.step}"),
    Column("player", format=_cell),
    _raw("first diff (token / char)", lambda r: f"{r.first_diff_token} / {r.first_diff_char}"),
    _raw("stop A / B", lambda r: f"{r.stop_reason_a} / {r.stop_reason_b}"),
    Column(lambda r: truncate(r.response_a), header="response A", format=_cell, missing=False),
    Column(lambda r: truncate(r.response_b), header="response B", format=_cell, missing=False),
]
PROMPT_MD_COLUMNS = [
    _raw("game", lambda r: f"{r.game}"),
    Column("experiment", format=_cell),
    Column("instance_id", header="instance", format=_cell),
    _raw("first diff (char)", lambda r: f"{r.first_prompt_diff_char}"),
    _code("first_prompt_context_a", "A"),
    _code("first_prompt_context_b", "B"),
]


def differences_markdown(report: PairReport) -> str:
    """The detail file of a pair: every differing response (both truncated), every episode
    whose first prompts differ (with context), and the episodes that diverged."""
    pair, turns, episodes = report.pair, report.turns, report.episodes
    s = report.summary
    out = [
        f"# Agreement: {pair.label}\n",
        f"- A: `{pair.a.label}`\n- B: `{pair.b.label}`",
        f"- aligned turns: {s['aligned_turns']}, identical responses: {s['identical_turns']} "
        f"({_cell(s['identical_share'])} %); positions of the first difference counted in "
        f"{s['token_unit']}\n",
        "## Differing responses\n",
    ]
    differing = turns[~turns["identical"].astype(bool)]
    if differing.empty:
        out.append("None: every aligned response is identical.\n")
    else:
        out.append(render.markdown(differing, DIFFERING_MD_COLUMNS))
    out.append("## First prompts of an episode\n")
    counts = episodes["first_prompt"].value_counts()
    out.append(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) + "\n")
    different = episodes[episodes["first_prompt"] == "different"]
    if len(different):
        out.append(render.markdown(different, PROMPT_MD_COLUMNS))
    out.append("## Episodes\n")
    counts = episodes["status"].value_counts()
    out.append(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) + "\n")
    diverged = episodes[episodes["status"] != "complete"]
    if len(diverged):
        out.append(
            markdown_table(
                diverged, [*EPISODE_KEYS, "steps_a", "steps_b", "aligned", "diverged_at", "status"]
            )
        )
    return "\n".join(out)


SUMMARY_MD_COLUMNS = [
    "label",
    "games",
    "aligned_turns",
    "identical_share",
    "median_first_diff_token",
    "first_prompts_identical",
    "first_prompts_compared",
    "avg_pct_played_delta",
    "avg_quality_delta",
    "quality_rejects",
    "played_rejects",
]
GAMES_MD_COLUMNS = [
    "game",
    "aligned_turns",
    "identical_share",
    "median_first_diff_token",
    "first_prompts_identical",
    "first_prompts_compared",
    "pct_played_a",
    "pct_played_b",
    "quality_a",
    "quality_b",
    "permutation_p",
    "mcnemar_p",
]


def summary_markdown(summary: pd.DataFrame, games: pd.DataFrame) -> str:
    out = [
        "# Agreement of configs on the same instances (temperature 0)\n",
        "Identical share: percent of aligned turns (same messages sent) with identical raw "
        "responses. First diff token: median over differing responses of the number of leading "
        "tokens both share. Deltas are A minus B, averaged over games; rejects count paired "
        f"tests with p < {settings.ALPHA:g} (permutation on quality, McNemar on played).\n",
    ]
    if summary.empty:
        out.append(
            "No pairs: the grid runs no model on two configs and config.yaml declares none.\n"
        )
        return "\n".join(out)
    out.append(markdown_table(summary, SUMMARY_MD_COLUMNS))
    for row in summary.itertuples(index=False):
        out.append(f"\n## {row.label}\n")
        out.append(f"A = `{row.config_a}`, B = `{row.config_b}`; token unit: {row.token_unit}.\n")
        out.append(markdown_table(games[games["pair"] == row.pair], GAMES_MD_COLUMNS))
    return "\n".join(out)


def latex_table(summary: pd.DataFrame) -> str:
    """The paper's table: one row per pair."""
    from clemgrid.analysis import latex

    def configs(r: Any) -> tuple[list[str], list[str]]:
        a, b = (part.split(" / ") for part in (r.config_a, r.config_b))
        return a, b

    def model(r: Any) -> str:
        a, b = configs(r)
        return a[0] if a[0] == b[0] else f"{a[0]} / {b[0]}"

    def prompts(r: Any) -> str:
        if not r.first_prompts_compared:
            return "not recorded"
        return f"{r.first_prompts_identical}/{r.first_prompts_compared}"

    def number(key: str, header: str, digits: int) -> Column:
        return Column(key, header=header, format=lambda v: latex.number(v, digits), align="r")

    raw: dict[str, Any] = {"format": str, "missing": False, "align": "r"}
    columns = [
        Column(model, header="Model", format=latex.escape),
        Column(lambda r: "/".join(configs(r)[0][1:3]), header="A", format=latex.escape),
        Column(lambda r: "/".join(configs(r)[1][1:3]), header="B", format=latex.escape),
        Column("aligned_turns", header="Turns", format=latex.integer, align="r"),
        number("identical_share", "Identical (\\%)", 1),
        number("median_first_diff_token", "First diff.\\ (tok.)", 0),
        Column(prompts, header="Same first prompt", **raw),
        number("avg_pct_played_delta", "$\\Delta$ \\% played", 1),
        number("avg_quality_delta", "$\\Delta$ quality", 1),
        Column(
            lambda r: f"{r.quality_rejects}/{r.played_rejects} of {r.tests}",
            header="Rejects",
            **raw,
        ),
    ]
    return render.latex(summary, columns)


def read_frames(paths: Iterable[str | Path]) -> pd.DataFrame:
    """Parquet files (transcripts or scores) as one frame; none gives an empty frame with the
    columns the comparisons use."""
    frames = [pd.read_parquet(p) for p in paths]
    if not frames:
        return pd.DataFrame(columns=[*EPISODE_KEYS, "model", "backend", "quant"])
    return pd.concat(frames, ignore_index=True)
