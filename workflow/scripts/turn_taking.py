"""The turn-taking experiment: misconfigured entries against their correct entries."""

from pathlib import Path

from clemgrid.analysis import agreement, turn_taking
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    i, out = snakemake.input, snakemake.output
    experiments = [turn_taking.Experiment.from_dict(v) for v in snakemake.params.experiments]
    summary = turn_taking.summarize(
        experiments, agreement.read_frames(i.transcripts), agreement.read_frames(i.scores)
    )
    notes = list(snakemake.params.notes)
    summary.to_csv(out.summary, index=False)
    Path(out.markdown).write_text(turn_taking.summary_markdown(summary, notes), encoding="utf-8")
    Path(out.tex).write_text(turn_taking.latex_table(summary), encoding="utf-8")
    for note in notes:
        log.info("%s", note)
    log.info("%d experiments:\n%s", len(experiments), summary.to_string(index=False))
