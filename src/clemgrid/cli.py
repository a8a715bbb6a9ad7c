"""`clemgrid` command line: check a configuration, show a score table, render transcripts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml


def validate(args: argparse.Namespace) -> int:
    """Each further `--config` file overrides the ones before it key by key (nested mappings
    merged, lists replaced), as Snakemake's `--configfile` overrides config/config.yaml."""
    from snakemake.utils import update_config

    from clemgrid.registry import RegistryError, load_grid

    files = args.config or ["config/config.yaml"]
    config: dict = {}
    config_file = Path(files[-1])
    try:
        for path in map(Path, files):
            update_config(config, yaml.safe_load(path.read_text()) or {})
        grid = load_grid(config, config_file=config_file)
    except FileNotFoundError as error:
        print(f"error: {error.filename}: file not found", file=sys.stderr)
        return 2
    except (RegistryError, yaml.YAMLError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        f"{' + '.join(files)}: {len(grid.configs)} configs x {len(grid.games)} games = "
        f"{len(grid.plays())} play jobs"
    )
    for cfg in grid.configs:
        games = grid.games_for(cfg)
        only = f" [games: {', '.join(games)}]" if games != grid.games else ""
        print(f"  {cfg.model} / {cfg.backend} ({cfg.backend_kind}) / {cfg.quant}{only}")
    return 0


def table(args: argparse.Namespace) -> int:
    import pandas as pd

    from clemgrid.pipeline import format_table

    scores_dir = Path(args.scores)
    matrix = pd.read_parquet(scores_dir / "matrix.parquet")
    scores = pd.read_parquet(scores_dir / "clemscore.parquet")
    print(format_table(matrix, scores), end="")
    return 0


def dilemma_improvement(args: argparse.Namespace) -> int:
    """Seed 004's improvement per split; errors in the counts file exit 2 with its location."""
    from clemgrid.analysis import dilemma

    try:
        rows = dilemma.improvement_table(dilemma.read_counts(args.counts), args.min_gap)
    except dilemma.CountsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(dilemma.format_summary(dilemma.summarize(rows), args.min_gap), end="")
    try:
        if args.out:
            dilemma.write_rows(rows, args.out)
    except OSError as error:
        print(f"error: {args.out}: cannot write: {error.strerror}", file=sys.stderr)
        return 2
    return 0


def summary(args: argparse.Namespace) -> int:
    """The screen `make run` ends with (:mod:`clemgrid.summary_screen`)."""
    from clemgrid import summary_screen

    try:
        run = summary_screen.load(args.results, models=args.models)
    except summary_screen.MissingOutput as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(summary_screen.render(run), end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clemgrid", description=__doc__)
    sub = parser.add_subparsers(required=True)
    p = sub.add_parser(
        "validate", help="check config.yaml and the model/backend registries it names"
    )
    p.add_argument(
        "--config",
        action="append",
        help="config file (default config/config.yaml); repeat to override it with others",
    )
    p.set_defaults(func=validate)
    p = sub.add_parser("table", help="print the score table of a finished run")
    p.add_argument("--scores", default="results/scores")
    p.set_defaults(func=table)
    p = sub.add_parser(
        "dilemma-improvement", help="seed 004's teacher->student improvement from C/D counts"
    )
    p.add_argument("counts", help="CSV with columns split, scenario, role, n_C, n_D")
    p.add_argument("--out", help="write the per-scenario rows (CSV) here")
    p.add_argument("--min-gap", type=float, default=0.05, help="flag teacher-base gaps below")
    p.set_defaults(func=dilemma_improvement)
    p = sub.add_parser("summary", help="print a finished run's results in 100 columns")
    p.add_argument("--results", default="results")
    p.add_argument("--models", default="config/models.yaml", help="the model registry")
    p.set_defaults(func=summary)
    from clemgrid.importer import cli as importer_cli
    from clemgrid.viewer import cli as viewer_cli

    p = sub.add_parser("import-clembench", help="import and re-score a clembench run directory")
    importer_cli.add_arguments(p)
    p.set_defaults(func=importer_cli.run)

    p = sub.add_parser("transcripts", help="render transcripts and scores as a static HTML site")
    viewer_cli.add_arguments(p)
    p.set_defaults(func=viewer_cli.run)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
