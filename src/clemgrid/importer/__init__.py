"""Import clembench runs (clembench-runs' v1.6 layout or clemcore 3.x's) into clemgrid's records.

`import_run(run_dir)` reads the episodes, `rescore(result)` scores them with clemgrid's own
scorers, `game_comparison(...)` sets the result next to clembench's published results.csv;
`clemgrid.importer.cli.main` does all of it and writes parquet files.
"""

from clemgrid.importer.run import (
    BACKEND,
    QUANT,
    ImportedEpisode,
    ImportResult,
    game_comparison,
    import_run,
    read_published,
    rescore,
)

__all__ = [
    "BACKEND",
    "QUANT",
    "ImportResult",
    "ImportedEpisode",
    "game_comparison",
    "import_run",
    "read_published",
    "rescore",
]
