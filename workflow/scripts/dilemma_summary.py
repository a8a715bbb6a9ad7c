import json
from pathlib import Path

from matplotlib.figure import Figure

from clemgrid.analysis.dilemma import c_rates, write_rows
from clemgrid.analysis.dilemma_modes import format_summary, scenario_rows
from clemgrid.analysis.dilemma_sensitivity import format_sensitivity, sensitivity_rows
from clemgrid.analysis.transfer_figures import transfer_figure
from clemgrid.analysis.transfer_report import (
    pgg_answers,
    teacher_counts_from_file,
    transfer_counts,
    transfer_summary,
)
from clemgrid.records import read_rows
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    scores = [row for path in snakemake.input.scores for row in read_rows(path)]
    exact = [row for path in snakemake.input.exact for row in read_rows(path)]
    rows = scenario_rows(scores, exact)
    write_rows(rows, snakemake.output.scenarios)
    summary = format_summary(rows)
    # The paper's Fig. 2 question: does each config's C-rate depend on context, on game?
    summary += "\n" + format_sensitivity(sensitivity_rows(rows))
    # Seed 004's transfer: each LoRA student beside its base and its (synthetic) teacher.
    transfer_rows, rate_rows, pgg_rows = [], [], []
    files = iter(snakemake.input.teacher_counts)
    for roles in json.loads(snakemake.params.transfer):
        student = "/".join(roles["student"])
        if not roles["teacher_counts"]:
            summary += f"\nTransfer: {student}: its teacher is not synthetic; not compared yet\n"
            continue
        teacher = teacher_counts_from_file(next(files), roles["teacher_counts"]["role"])
        table = transfer_counts(scores, roles["base"], roles["student"], teacher)
        if not table:
            summary += f"\nTransfer: {student}: no scenario with base, student and teacher\n"
            continue
        per_scenario, text = transfer_summary(table, roles)
        transfer_rows += [
            {"student": student, "base": "/".join(roles["base"]), "teacher": roles["teacher_label"]}
            | r
            for r in per_scenario
        ]
        summary += "\n" + text
        # the figures' and the paper's per-split numbers: every split, the teacher where known
        rate_rows += [{"student": student} | r for r in c_rates(table)]
        played = {"base": roles["base"], "finetuned": roles["student"]}
        played["teacher"] = [roles["teacher"].get(k, "") for k in ("model", "backend", "quant")]
        pgg_rows += [{"student": student} | r for r in pgg_answers(scores, played)]
    if transfer_rows:
        write_rows(transfer_rows, snakemake.output.transfer)
        figure = transfer_figure(transfer_rows)
    else:
        Path(snakemake.output.transfer).write_text("student\n", encoding="utf-8")
        figure = Figure(figsize=(4, 1))
        figure.text(0.5, 0.5, "no fine-tuned student plays the dilemma", ha="center")
    figure.savefig(snakemake.output.figure)
    for rows, out in ((rate_rows, snakemake.output.rates), (pgg_rows, snakemake.output.pgg)):
        if rows:
            write_rows(rows, out)
        else:
            Path(out).write_text("student\n", encoding="utf-8")
    Path(snakemake.output.summary).write_text(summary, encoding="utf-8")
    log.info("\n%s", summary)
