"""The turn-taking experiment: misconfigured entries against their correct entries."""

from pathlib import Path

import pandas as pd

from clemgrid.analysis import agreement, turn_taking
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    i, out = snakemake.input, snakemake.output
    turns, scores = agreement.read_frames(i.transcripts), agreement.read_frames(i.scores)
    parts = []
    for value in snakemake.params.experiments:
        experiment = turn_taking.Experiment.from_dict(value)
        sides = [
            [
                frame[
                    (frame["model"] == key.model)
                    & (frame["backend"] == key.backend)
                    & (frame["quant"] == key.quant)
                ]
                for frame in (turns, scores)
            ]
            for key in (experiment.reference, experiment.misconfigured)
        ]
        (turns_ref, scores_ref), (turns_wrong, scores_wrong) = sides
        parts.append(
            turn_taking.compare(experiment, turns_ref, turns_wrong, scores_ref, scores_wrong)
        )
    summary = pd.concat(parts, ignore_index=True) if parts else turn_taking.empty()
    notes = list(snakemake.params.notes)
    summary.to_csv(out.summary, index=False)
    Path(out.markdown).write_text(turn_taking.summary_markdown(summary, notes), encoding="utf-8")
    Path(out.tex).write_text(turn_taking.latex_table(summary), encoding="utf-8")
    for note in notes:
        log.info("%s", note)
    log.info("%d experiments:\n%s", len(parts), summary.to_string(index=False))
