# clemgrid: self-play evaluation of chat LLMs on dialogue games.
# Stages: instances, quantize -> play -> score -> aggregate -> analyses of our runs (uncertainty,
# agreement, runs) and of the published v1.6 data (published) -> transcripts, paper. See README.md.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/instances.smk"
include: "workflow/rules/quantize.smk"
include: "workflow/rules/transfer.smk"
include: "workflow/rules/play.smk"
include: "workflow/rules/score.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/uncertainty.smk"
include: "workflow/rules/agreement.smk"
include: "workflow/rules/dilemma.smk"
include: "workflow/rules/published.smk"
include: "workflow/rules/runs.smk"
include: "workflow/rules/transcripts.smk"
include: "workflow/rules/paper.smk"
include: "workflow/rules/import.smk"


rule all:
    default_target: True
    input:
        final_outputs(),


onerror:
    report_failed_plays(log)
