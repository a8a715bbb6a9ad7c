"""`clemgrid transcripts`: render a results directory's transcripts and scores as HTML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

CONFIG_GAME_FILES = "*/*/*/*.parquet"  # {model}/{backend}/{quant}/{game}.parquet


def discover(results: Path) -> tuple[list[Path], list[Path], Path | None]:
    """Transcript files, per-job score files and the matrix (if aggregated) of a run."""
    transcripts = sorted((results / "transcripts").glob(CONFIG_GAME_FILES))
    scores = sorted((results / "scores").glob(CONFIG_GAME_FILES))
    matrix = results / "scores" / "matrix.parquet"
    return transcripts, scores, matrix if matrix.is_file() else None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--results", default="results", help="the run's results directory")
    parser.add_argument("--out", help="site directory (default: RESULTS/transcripts_html)")
    parser.add_argument(
        "--figures", help="PNGs for the summary page (default: RESULTS/analysis/figures)"
    )


def run(args: argparse.Namespace) -> int:
    from clemgrid.viewer.site import render_site  # heavy: only when the command runs

    results = Path(args.results)
    out = Path(args.out) if args.out else results / "transcripts_html"
    figures = Path(args.figures) if args.figures else results / "analysis" / "figures"
    transcripts, scores, matrix = discover(results)
    if not transcripts and not scores:
        print(f"error: no transcripts or scores under {results}", file=sys.stderr)
        return 2
    pages = render_site(transcripts, scores, out, matrix=matrix, figures_dir=figures)
    print(f"{len(pages)} pages from {len(transcripts)} transcript files; open {out / 'index.html'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clemgrid transcripts", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))
