import hashlib
from pathlib import Path

from clemgrid import records
from clemgrid.analysis.published import SOURCE, configs, published_matrix
from clemgrid.scoring import clemscores
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    csv = snakemake.input.scores
    origin = {
        "source": SOURCE,
        "origin": f"resources/clembench_v1.6/{Path(csv).name}",
        "origin_sha256": hashlib.sha256(Path(csv).read_bytes()).hexdigest(),
    }
    matrix = published_matrix(csv)
    records.write_table(
        records.frame_rows(matrix), records.MATRIX_SCHEMA, snakemake.output.matrix, **origin
    )
    scores = clemscores(matrix)
    records.write_table(
        records.frame_rows(scores), records.CLEMSCORE_SCHEMA, snakemake.output.clemscore, **origin
    )
    # The file's own clemscore next to the one recomputed from its per-game numbers.
    check = configs(csv).merge(
        scores[["model", "backend", "quant", "clemscore"]],
        on=["model", "backend", "quant"],
        suffixes=("_published", ""),
        validate="1:1",
    )
    check["match"] = (check["clemscore_published"] - check["clemscore"]).abs() < 0.005
    check.to_csv(snakemake.output.recomputed, index=False)
    log.info("%d rows (config x game), %d configs", len(matrix), len(scores))
    log.info(
        "recomputed clemscore equals the published one for %d of %d configs",
        check["match"].sum(),
        len(check),
    )
    for row in check[~check["match"]].itertuples():
        log.warning(
            "%s: published %.2f, recomputed %.2f",
            row.config,
            row.clemscore_published,
            row.clemscore,
        )
