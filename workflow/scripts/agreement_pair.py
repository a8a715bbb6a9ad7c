"""One agreement pair: align the two configs' transcripts and write its report."""

import os

# The tokenizer comes from a local GGUF only: never download weights for an analysis.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from pathlib import Path

import pandas as pd

from clemgrid import records
from clemgrid.analysis import agreement
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    i, out = snakemake.input, snakemake.output
    pair = agreement.Pair.from_dict(snakemake.params.pair)
    tokenize, token_unit = agreement.pair_tokenizer(snakemake.params.weights)
    log.info("%s: positions counted in %s", pair.label, token_unit or agreement.WHITESPACE_UNIT)
    report = agreement.compare(
        pair,
        agreement.read_frames(i.transcripts_a),
        agreement.read_frames(i.transcripts_b),
        agreement.read_frames(i.scores_a),
        agreement.read_frames(i.scores_b),
        tokenize=tokenize,
        token_unit=token_unit,
        seed=snakemake.params.seed,
    )
    report.games.to_csv(out.games, index=False)
    pd.DataFrame([report.summary]).to_csv(out.summary, index=False)
    report.episodes.to_csv(out.episodes, index=False)
    records.write_frame(report.turns, out.turns, pair=report.pair.to_dict())
    Path(out.differences).write_text(agreement.differences_markdown(report), encoding="utf-8")
    log.info("summary: %s", report.summary)
