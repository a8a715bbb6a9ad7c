"""The screen `make run` ends with (`clemgrid summary`): a finished run in at most 100 columns.

The full tables (34 columns for the default grid) are unreadable in a terminal; this screen shows
one row per config scored over the same zero-shot games, %played/quality per game, the few-shot
comparison in a line per config, and where the complete results are. Configs that played
different games are grouped by game set and compared within a group only: clemscore averages
over games, so scores over different games are not comparable.

A config's row is the pipeline's (`analysis/runs/configs.csv`, written by
`runs.config_table`: clemscore over its zero-shot games with the bootstrap interval over the
same games), so the screen shows the paper's numbers; it computes a score itself only where the
pipeline has none: a config rescored over a smaller game set for comparison, a config that played
only few-shot variants, or a run without configs.csv. Only the score matrix is required; the
run tables, per-episode scores and player labels are used where the run has them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from clemgrid.analysis import runs as run_tables
from clemgrid.analysis import settings
from clemgrid.scoring import CONFIG_KEYS, clemscores

WIDTH = 100
MATRIX = "scores/matrix.parquet"
SHOTS = "analysis/runs/shots.csv"
CONFIGS = "analysis/runs/configs.csv"
# Optional sections printed as they are (clipped to the width) where the run wrote them.
SECTIONS = [("Dilemma", "analysis/dilemma/summary.txt")]
# (what, path under results/, a remark, shown only where the path exists); `make experiments`'
# analyses appear where that run wrote them.
NEXT = [
    ("paper", "paper/paper.pdf", "", False),
    ("transcripts", "transcripts_html/index.html", "(`clemgrid transcripts` renders it)", False),
    ("all tables", "analysis/runs/", "configs, games, shots (.csv, .tex); `clemgrid table`", False),
    ("agreement", "analysis/agreement/summary.md", "backends on the same weights", True),
    ("turn-taking", "analysis/turn_taking/summary.md", "wrong end-of-turn token", True),
]
SYNTHETIC, MISCONFIGURED = "*", "!"
Config = tuple[str, str, str]


class MissingOutput(FileNotFoundError):
    """A required output of the pipeline is absent: the run has not finished (or another
    results directory was meant)."""


@dataclass
class Run:
    """What the screen reads from a results directory; None where an optional file is absent."""

    results: Path
    matrix: pd.DataFrame
    configs: pd.DataFrame | None = None
    episodes: pd.DataFrame | None = None
    shots: pd.DataFrame | None = None
    synthetic: set[str] = field(default_factory=set)
    misconfigured: set[str] = field(default_factory=set)
    quant_labels: dict[tuple[str, str], str] = field(default_factory=dict)


def base_game(game: str) -> str:
    """The zero-shot game a few-shot variant `<game>+<k>shot` derives from (itself otherwise)."""
    from clemgrid.games.registry import GAMES

    return GAMES[game].base_name if game in GAMES else game.split("+", 1)[0]


def load(results: str | Path = "results", models: str | Path | None = None) -> Run:
    """Read a results tree; `models` (a model registry) labels synthetic players when the run
    has no `analysis/runs/configs.csv`."""
    results = Path(results)
    path = results / MATRIX
    if not path.exists():
        raise MissingOutput(
            f"{path} not found: it is written by the pipeline's `aggregate` rule; "
            "run `make run` (or `snakemake`) first, or pass --results DIR"
        )
    run = Run(results, pd.read_parquet(path))
    if run.matrix.empty:
        raise MissingOutput(f"{path} holds no scores: the grid played no game")
    if (results / SHOTS).exists() and (results / SHOTS).stat().st_size > 1:
        run.shots = _with_testability(pd.read_csv(results / SHOTS))
    run.episodes = _episodes(results, run.matrix)
    entries: dict[str, Any] = {}
    if models is not None and Path(models).exists():
        entries = yaml.safe_load(Path(models).read_text()) or {}
        run.quant_labels = _quant_labels(entries, run.matrix)
    if (results / CONFIGS).exists():
        labels = run.configs = pd.read_csv(results / CONFIGS)
        run.synthetic = set(labels.loc[labels["player"] == "synthetic", "model"])
        run.misconfigured = set(labels.loc[labels["label"].str.contains("misconfigured"), "model"])
    else:
        facts = {m: (e or {}).get("facts") or {} for m, e in entries.items()}
        run.synthetic = {m for m, f in facts.items() if f.get("synthetic")}
        run.misconfigured = {m for m, f in facts.items() if f.get("misconfigured")}
    return run


def _with_testability(shots: pd.DataFrame) -> pd.DataFrame:
    """The few-shot tests with `<test>_testable` (a shots.csv written before the pipeline
    recorded it has the smallest attainable p-values it is derived from)."""
    missing = [t for t in run_tables.TESTS if f"{t}_testable" not in shots]
    if missing and all(f"{t}_min_p" in shots for t in run_tables.TESTS):
        return run_tables.with_testability(shots)
    if missing:  # no minimum p either: every test counts as testable, as it was reported
        return shots.assign(**{f"{t}_testable": True for t in missing})
    return shots.astype({f"{t}_testable": bool for t in run_tables.TESTS})


def _quant_labels(models: dict, matrix: pd.DataFrame) -> dict[tuple[str, str], str]:
    """{(model, quant): label} of the run's quants that the registry labels or the pipeline
    builds from another quant: an F16 derived from Q4_1 is not an F16 model."""
    from clemgrid.quantization import built_kind, default_label

    labels = {}
    for model, quant in matrix[["model", "quant"]].drop_duplicates().itertuples(index=False):
        weights = (models.get(model) or {}).get("weights") or {}
        source = weights.get(quant)
        if isinstance(source, dict) and ("label" in source or built_kind(source)):
            label = default_label(weights, quant)
            if label != quant:
                labels[(model, quant)] = label
    return labels


def _episodes(results: Path, matrix: pd.DataFrame) -> pd.DataFrame | None:
    """Episode scores of the matrix's config × game cells (score files of other grids that
    the directory still holds are left out); None if there are none."""
    keys = set(map(tuple, matrix[[*CONFIG_KEYS, "game"]].to_numpy().tolist()))
    files = [
        p
        for p in sorted((results / "scores").glob("*/*/*/*.parquet"))
        if (*p.parent.relative_to(results / "scores").parts, p.stem) in keys
    ]
    if not files:
        return None
    columns = [*CONFIG_KEYS, "game", "experiment", "instance_id", "played", "quality"]
    return pd.concat([pd.read_parquet(p, columns=columns) for p in files], ignore_index=True)


@dataclass(frozen=True)
class Row:
    """One line of the config table: a config's scores over `games`."""

    config: Config
    games: tuple[str, ...]
    clemscore: float
    ci: tuple[float, float] | None
    pct_played: float
    quality: float | None


def rows_of(frame: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The rows of `frame` that belong to `config`."""
    model, backend, quant = config
    return frame[
        (frame["model"] == model) & (frame["backend"] == backend) & (frame["quant"] == quant)
    ]


def _pipeline_row(run: Run, config: Config, games: Sequence[str]) -> Row | None:
    """The pipeline's row of `config` (configs.csv) where it scores exactly `games`: its
    clemscore is over the config's zero-shot games, the interval bootstrapped over the same."""
    if run.configs is None:
        return None
    mine = rows_of(run.configs, config)
    zero = rows_of(run.matrix, config)["game"]
    zero = sorted(g for g in zero if base_game(g) == g)
    if len(mine) != 1 or sorted(games) != zero:
        return None
    row = mine.iloc[0]
    if row.get("n_games", len(zero)) != len(zero):
        return None  # a configs.csv from before it scored the zero-shot games only
    low, high = row.get("ci_low"), row.get("ci_high")
    ci = None if low is None or pd.isna(low) else (float(low), float(high))
    quality = row["avg_quality"]
    return Row(
        config,
        tuple(zero),
        float(row["clemscore"]),
        ci,
        float(row["avg_pct_played"]),
        None if pd.isna(quality) else float(quality),
    )


def _n_boot(run: Run, n_boot: int) -> int:
    """The pipeline's number of bootstrap resamples (configs.csv), else `n_boot`."""
    if run.configs is None or "n_boot" not in run.configs:
        return n_boot
    known = run.configs["n_boot"].dropna()
    return int(known.iloc[0]) if len(known) else n_boot


def score_over(
    run: Run, config: Config, games: Sequence[str], n_boot: int = 2000, seed: int = 0
) -> Row:
    """One config over `games`: the pipeline's row where it scores these games (see
    :func:`_pipeline_row`), else clembench's clemscore from the matrix with an interval
    recomputed from the episodes as the pipeline computes it (`n_boot` resamples unless
    configs.csv says how many)."""
    from clemgrid.analysis.uncertainty import bootstrap_clemscore

    known = _pipeline_row(run, config, games)
    if known is not None:
        return known
    mine = rows_of(run.matrix, config)
    cells = mine[mine["game"].isin(games)]
    score = clemscores(cells).iloc[0]
    ci = None
    if run.episodes is not None:
        episodes = rows_of(run.episodes, config)
        episodes = episodes[episodes["game"].isin(games)]
        if len(episodes):
            boot = bootstrap_clemscore(episodes, n_boot=_n_boot(run, n_boot), seed=seed)
            ci = (boot["ci_low"], boot["ci_high"])
    quality = score["avg_quality"]
    return Row(
        config,
        tuple(sorted(games)),
        float(score["clemscore"]),
        ci,
        float(score["avg_pct_played"]),
        None if quality is None or pd.isna(quality) else float(quality),
    )


def config_rows(run: Run, n_boot: int = 2000, seed: int = 0) -> list[Row]:
    """Every config over its zero-shot games (its few-shot variants are compared apart), or
    over all its games where it played only variants."""
    rows = []
    for config, cells in run.matrix.groupby(CONFIG_KEYS, sort=True):
        games = sorted(cells["game"])
        zero = [game for game in games if base_game(game) == game]
        rows.append(score_over(run, config, zero or games, n_boot, seed))
    return rows


def reference_rows(
    run: Run, groups: Sequence[Sequence[Row]], n_boot: int = 2000, seed: int = 0
) -> list[list[Row]]:
    """Per group after the first: the first group's language models (all its configs if it
    has none) rescored over the group's smaller game set, for its configs to be compared with."""
    if not groups:
        return []
    first = [row for row in groups[0] if row.config[0] not in run.synthetic] or groups[0]
    refs: list[list[Row]] = [[]]
    for group in groups[1:]:
        games = group[0].games
        refs.append(
            [
                score_over(run, row.config, games, n_boot, seed)
                for row in first
                if set(games) <= set(row.games)
            ]
        )
    return refs


def group_rows(rows: Sequence[Row], synthetic: Iterable[str] = ()) -> list[list[Row]]:
    """Rows grouped by game set (most games first; ties by name), each group ordered language
    models first, then synthetic players, each by clemscore (highest first) and name."""
    synthetic = set(synthetic)
    groups: dict[tuple[str, ...], list[Row]] = {}
    for row in rows:
        groups.setdefault(row.games, []).append(row)
    order = sorted(groups, key=lambda games: (-len(games), games))
    return [
        sorted(groups[g], key=lambda r: (r.config[0] in synthetic, -r.clemscore, r.config))
        for g in order
    ]


def clip(text: str, width: int) -> str:
    """`text` cut to `width` characters, the cut marked by "…"."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def fit_columns(
    table: list[list[str]], shrinkable: dict[int, int], minimum: int = 6, sep: int = 2
) -> list[int]:
    """Column widths that fit WIDTH: of the `shrinkable` columns ({column: characters it
    keeps before the others}), the widest loses a character until the table fits (none
    below `minimum`)."""
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    while sum(widths) + sep * (len(widths) - 1) > WIDTH:
        column = max(shrinkable, key=lambda i: widths[i] - shrinkable[i])
        if widths[column] <= minimum:
            break
        widths[column] -= 1
    return widths


def render_table(table: list[list[str]], widths: list[int], right: set[int]) -> list[str]:
    lines: list[str] = []
    for row in table:
        cells = [
            clip(c, w).rjust(w) if i in right else clip(c, w).ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.{digits}f}"


def title(run: Run) -> list[str]:
    """What was run: configs × games and the instances per experiment."""
    matrix = run.matrix
    configs = matrix[CONFIG_KEYS].drop_duplicates()
    games = sorted(matrix["game"].unique())
    zero = [g for g in games if base_game(g) == g]
    variants = len(games) - len(zero)
    extra = f" (+ {variants} few-shot variants)" if variants else ""
    n_episodes = int(matrix["n_episodes"].sum())
    per = ""
    if run.episodes is not None:
        counts = run.episodes.groupby([*CONFIG_KEYS, "game", "experiment"]).size()
        low, high = int(counts.min()), int(counts.max())
        n = str(low) if low == high else f"{low}-{high}"
        per = f", {n} instance{'s' if high > 1 else ''} per experiment"
    return [
        clip(
            f"clemgrid run: {len(configs)} config{'s' if len(configs) > 1 else ''} x "
            f"{len(zero)} game{'s' if len(zero) > 1 else ''}{extra}{per}, "
            f"{n_episodes} episodes",
            WIDTH,
        )
    ]


def config_block(
    run: Run, groups: list[list[Row]], refs: list[list[Row]] | None = None
) -> tuple[list[str], dict[Config, int]]:
    """The config table (numbered rows under a line naming each game set; a group's reference
    rows, `refs`, are numbered "(n)" after the config they rescore) and the numbers given."""
    refs = refs or [[] for _ in groups]
    number: dict[Config, int] = {}
    for group in groups:
        for row in group:
            number[row.config] = len(number) + 1

    def cells(row: Row, label: str) -> list[str]:
        model, backend, quant = row.config
        mark = (SYNTHETIC if model in run.synthetic else "") + (
            MISCONFIGURED if model in run.misconfigured else ""
        )
        ci = f" [{row.ci[0]:5.1f}, {row.ci[1]:5.1f}]" if row.ci else " " * 15
        score = f"{row.clemscore:6.2f}{ci}"
        return [label, model + mark, backend, quant, score, _num(row.pct_played), _num(row.quality)]

    header = [
        "#",
        "model",
        "backend",
        "quant",
        f"clemscore [{settings.percent()} % CI]",
        "%played",
        "quality",
    ]
    table, heads = [header], {}
    for group, extra in zip(groups, refs, strict=True):
        games = group[0].games
        plural = "s" if len(games) > 1 else ""
        kind = "zero-shot " if all(base_game(game) == game for game in games) else ""
        heads[len(table)] = f"over {len(games)} {kind}game{plural}: {', '.join(games)}"
        table += [cells(row, str(number[row.config])) for row in group]
        table += [cells(row, f"({number[row.config]})") for row in extra]
    widths = fit_columns(table, shrinkable={1: 12, 2: 0, 3: 0})  # model names first
    lines = []
    for at, line in enumerate(render_table(table, widths, right={0, 4, 5, 6})):
        if at in heads:
            lines += textwrap.wrap(heads[at], WIDTH, subsequent_indent="    ")
        lines.append(line)
    rows = [row for group in groups for row in group]
    notes = []
    if len(groups) > 1:
        notes.append("Configs played different games: compare rows within one game set only.")
    if any(refs):
        notes.append("(n) = config #n over that set's games only, for comparison")
    if any(row.ci is None for row in rows):
        notes.append(f"No CI where {CONFIGS} and the episode scores are missing.")
    if run.synthetic & {c[0] for c in number}:
        notes.append(
            f"{SYNTHETIC} synthetic player of known skill (scripted), not a language model"
        )
    if run.misconfigured & {c[0] for c in number}:
        notes.append(f"{MISCONFIGURED} deliberately misconfigured registry entry")
    shown = {(model, quant) for model, _, quant in number}
    for (model, quant), label in sorted(run.quant_labels.items()):
        if (model, quant) in shown:
            notes.append(f"{quant} of {model}: {label}")
    if any(len(cell) > w for row in table for cell, w in zip(row, widths, strict=True)):
        notes.append("… = name cut to fit 100 columns; full names: `clemgrid table`")
    notes.append(
        "clemscore = avg quality x avg %played / 100 over the set's games (clembench v1.6)"
    )
    return lines + [clip(n, WIDTH) for n in notes], number


def game_block(run: Run, number: dict[Config, int], first: Sequence[Row]) -> list[str]:
    """%played/quality per zero-shot game (rows) of the configs that played the most games
    (`first`, columns by table number) as far as they fit; where the others are."""
    matrix = run.matrix[run.matrix["game"].map(base_game) == run.matrix["game"]]
    games = sorted(matrix["game"].unique())
    game_width = min(max(len(g) for g in games), 22)
    fits = (WIDTH - game_width) // 9
    shown = [row.config for row in first][:fits]
    cells = {
        (r.model, r.backend, r.quant, r.game): f"{r.pct_played:3.0f}/{_num(r.quality, 0):>3}"
        for r in matrix.itertuples()
    }
    lines = ["Per game, %played/quality of each config (# as above; – = not played):"]
    lines.append(" " * game_width + "".join(f"#{number[c]}".rjust(9) for c in shown).rstrip())
    for game in sorted({g for c in shown for (*k, g) in cells if tuple(k) == c}):
        row = "".join(cells.get((*c, game), "–").rjust(9) for c in shown)
        lines.append(clip(game, game_width).ljust(game_width) + row)
    rest = sorted(number[c] for c in number if c not in shown)
    if rest:
        listed = ", ".join(
            f"#{run_[0]}" if len(run_) == 1 else f"#{run_[0]}-#{run_[-1]}" for run_ in _runs(rest)
        )
        lines.append(
            clip(f"Not shown: {listed} in {run.results / 'analysis/runs/games.csv'}", WIDTH)
        )
    return lines


def _runs(numbers: Sequence[int]) -> list[list[int]]:
    """Sorted numbers as runs of consecutive ones: [1, 2, 3, 5] -> [[1, 2, 3], [5]]."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def shot_block(run: Run, number: dict[Config, int]) -> list[str]:
    """Zero- vs few-shot per config and variant kind, means over the games played both ways."""
    matrix = run.matrix.assign(base=run.matrix["game"].map(base_game))
    variants = matrix[matrix["base"] != matrix["game"]]
    if variants.empty:
        return []
    zero = matrix[matrix["base"] == matrix["game"]]
    pairs = variants.merge(
        zero, left_on=[*CONFIG_KEYS, "base"], right_on=[*CONFIG_KEYS, "game"], suffixes=("", "_0")
    )
    pairs = pairs.assign(kind=pairs["game"].map(lambda g: g[len(base_game(g)) :]))
    lines = ["Zero- vs few-shot (same instances; mean over the games played both ways):"]
    for (model, backend, quant, kind), by in pairs.groupby([*CONFIG_KEYS, "kind"], sort=True):
        config = (model, backend, quant)
        both = by.dropna(subset=["quality", "quality_0"])
        text = (
            f"#{number.get(config, '?')} {kind} on {len(by)} game{'s' if len(by) > 1 else ''}: "
            f"%played {by['pct_played_0'].mean():.1f} -> {by['pct_played'].mean():.1f}, "
            f"quality {_num(both['quality_0'].mean() if len(both) else None)} -> "
            f"{_num(both['quality'].mean() if len(both) else None)}"
        )
        if run.shots is not None:
            tests = rows_of(run.shots, config)
            text += _tests_text(tests[tests["variant"].str.endswith(kind)])
        lines.append(clip(text, WIDTH))
    if run.shots is None:
        lines.append(f"(paired tests: {SHOTS} not found)")
    else:
        if "comparison" in run.shots and (run.shots["comparison"] == run_tables.AA_CHECK).any():
            lines.append("A/A = synthetic player vs itself: its rejections are false positives")
        if not run.shots[[f"{t}_testable" for t in run_tables.TESTS]].all(axis=None):
            lines.append(f"not testable = cannot reach p < {settings.ALPHA:g} with so few pairs")
        table = run.results / SHOTS
        table = table.with_suffix(".md") if table.with_suffix(".md").exists() else table
        lines.append(clip(f"Per game, with CIs: {table}", WIDTH))
    return lines


def _tests_text(tests: pd.DataFrame) -> str:
    """The paired tests of one config and variant kind in a clause: how many of the testable
    ones reject at alpha, how many cannot reach it at their n ('not testable': they say nothing
    either way), and "A/A" where the rows compare a synthetic player with itself (rejections
    are then false positives, not a few-shot effect)."""
    if tests.empty:
        return ""
    names = list(run_tables.TESTS)
    n = len(tests) * len(names)
    n_testable = sum(int(tests[f"{t}_testable"].sum()) for t in names)
    rejected = sum(run_tables.rejects(tests, t) for t in names)
    aa = "comparison" in tests and bool((tests["comparison"] == run_tables.AA_CHECK).all())
    parts = [f"{rejected} of {n_testable} p < {settings.ALPHA:g}"] if n_testable else []
    parts += [f"{n - n_testable} not testable"] if n_testable < n else []
    return f"; {'A/A' if aa else 'paired'} tests: {', '.join(parts)}"


def sections(run: Run) -> list[str]:
    """Optional sections other analyses write (the dilemma summary), as they are, clipped."""
    lines: list[str] = []
    for heading, name in SECTIONS:
        path = run.results / name
        if path.exists():
            lines += [*([""] if lines else []), f"{heading}:"]
            lines += [clip(line, WIDTH) for line in path.read_text().splitlines()]
    return lines


def next_block(run: Run) -> list[str]:
    """Where the complete results are: the paper, the transcript site, the report."""
    lines = ["Next:"]
    for what, name, remark, only_if_present in NEXT:
        path = run.results / name
        if only_if_present and not path.exists():
            continue
        where = f"{path}/" if name.endswith("/") else str(path)
        remark = remark if path.exists() else "(not built yet)"
        lines.append(clip(f"  {what:<12} {where}  {remark}".rstrip(), WIDTH))
    report = f"snakemake --report {run.results / 'report.html'}"
    lines.append(clip(f"  {'report':<12} {report}  (figures and tables with captions)", WIDTH))
    return lines


def render(run: Run, n_boot: int = 2000, seed: int = 0) -> str:
    """The whole screen; every line at most WIDTH characters."""
    groups = group_rows(config_rows(run, n_boot=n_boot, seed=seed), run.synthetic)
    table, number = config_block(run, groups, reference_rows(run, groups, n_boot, seed))
    blocks = [
        title(run),
        table,
        game_block(run, number, groups[0]),
        shot_block(run, number),
        sections(run),
        next_block(run),
    ]
    text = "\n\n".join("\n".join(block) for block in blocks if block)
    return "\n".join(line[:WIDTH] for line in text.splitlines()) + "\n"
