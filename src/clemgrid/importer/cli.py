"""`clemgrid import-clembench RUN_DIR --out DIR`: import a clembench results directory.

Writes, under DIR:

    transcripts/{model}/clembench-v1.6/published/{game}.parquet   TURN_SCHEMA rows
    scores/{model}/clembench-v1.6/published/{game}.parquet        SCORE_SCHEMA rows (re-scored)
    comparison/turns.parquet      per answer: clemgrid's verdict vs the game master's log
    comparison/episodes.parquet   per episode: clemgrid's outcome/quality vs log and scores.json
    comparison/games.parquet      per (player pair, game): %played / quality vs results.csv
    comparison/games.md           the same as a table
    comparison/logged_scores.parquet  per episode: clembench's own scores.json (its scorer's
                                  verdicts, a data source beside ours; empty where none kept)

and prints the games table. Exit status 0 (the comparison is a report, not a check).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from clemgrid import records
from clemgrid.importer.run import (
    BACKEND,
    CLEMBENCH_GAMES,
    QUANT,
    default_published_csv,
    game_comparison,
    import_run,
    rescore,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "run_dir",
        help="clembench results dir (v1.6 or clemcore 3.x layout), a model dir, or its game dir",
    )
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument(
        "--published",
        default=None,
        help="clembench results.csv to compare with (default: resources/clembench_v1.6/results.csv)",
    )
    parser.add_argument(
        "--games",
        nargs="*",
        default=None,
        help=f"games to import (default: {' '.join(sorted(CLEMBENCH_GAMES))})",
    )


def _by_key(rows: list[dict], keys: tuple[str, ...]) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in keys), []).append(row)
    return groups


def run(args: argparse.Namespace) -> int:
    out = Path(args.out)
    result = import_run(args.run_dir, set(args.games) if args.games else None)
    if not result.episodes:
        print(f"error: no clembench episodes found below {args.run_dir}", file=sys.stderr)
        return 2
    scores, episodes = rescore(result)
    meta = {"source": "clembench-runs import", "run_dir": Path(args.run_dir).name}
    for (model, game), rows in sorted(_by_key(result.turns, ("model", "game")).items()):
        rows.sort(key=lambda r: (r["episode_id"], r["step"]))
        path = out / "transcripts" / model / BACKEND / QUANT / f"{game}.parquet"
        records.write_table(rows, records.TURN_SCHEMA, path, **meta)
    for (model, game), rows in sorted(_by_key(scores, ("model", "game")).items()):
        rows.sort(key=lambda r: r["episode_id"])
        path = out / "scores" / model / BACKEND / QUANT / f"{game}.parquet"
        records.write_table(rows, records.SCORE_SCHEMA, path, **meta)
    published = Path(args.published) if args.published else default_published_csv()
    games = game_comparison(result, scores, published)
    comparison = out / "comparison"
    records.write_frame(pd.DataFrame(result.turn_comparison), comparison / "turns.parquet", **meta)
    records.write_frame(pd.DataFrame(episodes), comparison / "episodes.parquet", **meta)
    records.write_frame(games, comparison / "games.parquet", **meta)
    logged = pd.DataFrame(result.logged_scores)
    records.write_frame(logged, comparison / "logged_scores.parquet", **meta)
    table = games.to_markdown(index=False) if _has_tabulate() else games.to_string(index=False)
    (comparison / "games.md").write_text(table + "\n")
    print(table)
    disagreeing = sum(1 for row in result.turn_comparison if row["agree"] is False)
    print(
        f"\n{len(result.episodes)} episodes, {len(result.turns)} answers "
        f"({disagreeing} verdicts differ from the log), written to {out}"
    )
    return 0


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="clemgrid import-clembench", description=__doc__.split("\n")[0]
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
