from snakemake.exceptions import WorkflowError

from clemgrid.backends.weights import WeightsError, weight_file
from clemgrid import failed_plays
from clemgrid.analysis.comparisons import Comparisons
from clemgrid.analysis.transfer_report import transfer_plan
from clemgrid.games.registry import GAMES
from clemgrid.quantization import (
    BITSANDBYTES_KIND,
    DERIVED_KINDS,
    DERIVED_SIDECAR,
    DERIVED_WEIGHTS,
    built_kind,
    default_label,
    derived_paths,
    recipe,
    source_chain,
)
from clemgrid.registry import (
    GAME_PATTERN,
    NAME_PATTERN,
    PlayConfig,
    RegistryError,
    canonical_json,
    load_grid,
    weight_source_kind,
)
from clemgrid.resources import FinetuneResources, PlayResources
from clemgrid.sources import (
    LORA_ADAPTER,
    LORA_CONFIG,
    LORA_KIND,
    LORA_SIDECAR,
    TEACHER_RATES_KIND,
    lora_paths,
)
from clemgrid.transfer.dataset import data_id
from clemgrid.transfer.recipes import (
    SFT_DATASET,
    TEACHER_ANSWERS,
    data_specs,
    finetune_recipe,
    teacher_config,
)

CONFIG_FILE = (workflow.overwrite_configfiles or ["config/config.yaml"])[-1]

# Validated once, by load_grid against the schemas of workflow/schemas/ (package data);
# the rules read `config` with the schema's defaults filled in, as Snakemake's validate() did.
try:
    GRID = load_grid(config, config_file=CONFIG_FILE, known_games=GAMES)
except RegistryError as error:
    raise WorkflowError(f"invalid configuration: {error}") from None
config.update(GRID.config)


wildcard_constraints:
    model=NAME_PATTERN,
    backend=NAME_PATTERN,
    quant=NAME_PATTERN,
    game=GAME_PATTERN,
    data_id="[0-9a-f]{12}",


def play_identity(wildcards):
    """Canonical JSON of all that determines a play job's output: its rerun trigger."""
    cfg = GRID.play_config(wildcards.model, wildcards.backend, wildcards.quant)
    return canonical_json(
        GRID.play_identity(cfg, wildcards.game, GAMES[wildcards.game].version)
    )


def base_instances(wildcards):
    """Few-shot variants play the instances of the zero-shot game they derive from."""
    return rules.instances.output.instances.format(game=GAMES[wildcards.game].base_name)


# Derived weights (rules/quantize.smk): GGUF files that `derive` and `quantize` sources name.


def built_weights(model, quant):
    """The files the quantize and finetune rules build for (model, quant): its derived GGUF, or
    its LoRA adapter and the built file of the quant it is trained on, or that of the quant a
    `bitsandbytes` source is made from; [] for weights that come from elsewhere."""
    weights = GRID.models[model].weights
    files = []
    for q in source_chain(weights, quant):
        kind = weight_source_kind(weights[q])
        if kind in DERIVED_KINDS:
            return [*files, str(derived_paths(model, q)[0])]
        if kind == LORA_KIND:
            files.append(str(lora_paths(model, q)["adapter"]))
        elif kind != BITSANDBYTES_KIND:
            return files
    return files


def play_weights(wildcards):
    """A play job needs its built weights first; a rebuilt file replays the job."""
    return built_weights(wildcards.model, wildcards.quant)


def _built_source(wildcards):
    """(model entry, weight source) of a quant the quantize rule builds."""
    entry = GRID.models.get(wildcards.model)
    quant = wildcards.quant
    source = entry.source(quant) if entry and quant in entry.weights else None
    if source is None or source.kind not in DERIVED_KINDS:
        raise WorkflowError(
            f"{wildcards.model} / {wildcards.quant}: not a `derive` or `quantize` weight "
            f"source in {config['models']}, so the quantize rule cannot build it"
        )
    return entry, source


def quantize_source(wildcards):
    """The file a quant is built from, when it is local (a package file, a path, or another
    built quant): a changed source rebuilds it. A hub file is fetched by the job itself.
    """
    entry, source = _built_source(wildcards)
    parent = entry.source(source.spec["from"])
    if parent.kind in DERIVED_KINDS:
        return str(derived_paths(wildcards.model, parent.quant)[0])
    if parent.kind == "hub":
        return []
    try:
        return str(weight_file(entry.at(parent.quant)))
    except WeightsError as error:
        raise WorkflowError(str(error)) from None


def quantize_recipe(wildcards):
    """Canonical JSON of what determines a built quant (its rerun trigger)."""
    entry, _ = _built_source(wildcards)
    return canonical_json(recipe(wildcards.model, entry.weights, wildcards.quant))


def quant_labels():
    """{model: {quant: label}} of the grid's quants that are built or labelled in the registry:
    the score table names them by label (an F16 derived from Q4_1 is not an F16 model).
    """
    labels = {}
    for c in GRID.configs:
        if "label" in c.weight_source or built_kind(c.weight_source):
            labels.setdefault(c.model, {})[c.quant] = (
                GRID.models[c.model].at(c.quant).label
            )
    return canonical_json(labels)


def play_threads(wildcards):
    """Local inference, in-process or in a launched server, gets every core."""
    return play_resources(wildcards).threads(workflow.cores)


def grid_outputs(pattern, skill=True):
    """Input function: `pattern` filled for every (config, game) the grid plays (configs are
    explicit, and a grid entry with its own `games` plays only those; not a product), of the
    skill games (clemscore and the analyses of it), or with skill=False of the others (the
    dilemma's C-rates, rules/dilemma.smk).

    A function, not a list: Snakemake looks every input file's source item up among the rule's
    `rules.*.output` dependencies, and hashing a list item costs its length, which made
    10,000-job grids quadratic (benchmarks/dag_scale.py)."""

    def files(wildcards):
        return [
            pattern.format(model=c.model, backend=c.backend, quant=c.quant, game=game)
            for c, game in GRID.plays()
            if GAMES[game].skill == skill
        ]

    return files


def _dilemma_transfer_roles():
    """The LoRA students that play the dilemma, their bases and teachers (transfer_report)."""
    return transfer_plan(GRID.plays(), GRID.models, GRID.backends)


def dilemma_transfer(wildcards):
    return canonical_json(_dilemma_transfer_roles())


def dilemma_teacher_counts(wildcards):
    """The synthetic teachers' counts files, in the order of dilemma_transfer's roles."""
    return [
        workflow.source_path(f"../../resources/{r['teacher_counts']['counts']}")
        for r in _dilemma_transfer_roles()
        if r["teacher_counts"]
    ]


def dilemma_transfer_table(wildcards):
    """The transfer rows for the paper where the grid has a student to compare, else none
    (the paper's transfer section is then one generated sentence)."""
    if not _dilemma_transfer_roles():
        return []
    return [
        f"results/analysis/dilemma/{name}.csv"
        for name in ("transfer", "transfer_rates", "transfer_pgg")
    ]


def dilemma_transfer_figures(wildcards):
    """The transfer section's figures (rule transfer_figures) where a student plays, else none
    (the section's \\ifTransferHave branch that includes them is then skipped)."""
    if not _dilemma_transfer_roles():
        return []
    return [
        f"results/analysis/figures/transfer_{name}.pdf"
        for name in ("rates", "improvement", "pgg")
    ]


def dilemma_exact_outputs(wildcards):
    """Exact mode (first-token probabilities) of every sampled dilemma play whose backend gives
    logits or logprobs; the scripted players have none."""
    return [
        f"results/exact/{c.model}/{c.backend}/{c.quant}/{game}.parquet"
        for c, game in GRID.plays()
        if game == "dilemma"
        and game in config["sampling"]
        and c.backend_kind != "scripted"
    ]


def final_outputs():
    dilemma = any(not GAMES[game].skill for _, game in GRID.plays())
    return [
        *(
            [
                "results/analysis/dilemma/summary.txt",
                "results/analysis/dilemma/counts.csv",
            ]
            if dilemma
            else []
        ),
        "results/scores/matrix.parquet",
        "results/scores/clemscore.parquet",
        "results/scores/clemscore.md",
        "results/analysis/uncertainty/clemscore_ci.csv",
        "results/analysis/simulation/summary.csv",
        "results/analysis/agreement/summary.md",
        "results/analysis/turn_taking/summary.md",
        "results/transcripts_html",
        "results/paper/paper.pdf",
    ]


# Cluster resources of play jobs (clemgrid.resources). Local runs use none of them except
# `threads`; on SLURM (profiles/slurm) they become sbatch options through
# snakemake-executor-plugin-slurm.


def play_resources(wildcards):
    return PlayResources(
        GRID.backends[wildcards.backend],
        GRID.models[wildcards.model].parameters_b,
        wildcards.quant,
    )


def slurm(job_resources):
    """A rule's sbatch resources from `job_resources(wildcards)` (clemgrid.resources): A100s
    where the job needs them, CPUs, and memory and wall time that grow with every retry.
    """
    return dict(
        gpu=lambda w: job_resources(w).gpus or None,
        gpu_model=lambda w: job_resources(w).gpu_model,
        cpus_per_task=lambda w: job_resources(w).cpus,
        mem_mb=lambda w, attempt: job_resources(w).mem_mb(attempt),
        runtime=lambda w, attempt: job_resources(w).runtime_min(attempt),
    )


def report_failed_plays(snakemake_log=None):
    """For `onerror:` (Snakefile): name the configs whose play jobs failed, with their logs."""
    failed_plays.report(
        GRID, rules.play.output.transcripts, rules.play.log[0], snakemake_log
    )


# Pairs of configs the agreement and turn-taking analyses compare (workflow/rules/agreement.smk).
COMPARISONS = Comparisons.of(GRID)


def pair_files(pattern, side):
    """Input function: `pattern` of one side ("a" or "b") of the pair wildcard."""

    def files(wildcards):
        return COMPARISONS.pair_files(pattern, wildcards.pair, side)

    return files


# Transfer (rules/transfer.smk): teacher answers and SFT datasets by data id, adapters of
# `lora` quants (clemgrid.transfer).


def _data_spec(wildcards):
    spec = data_specs(GRID.models).get(wildcards.data_id)
    if spec is None:
        raise WorkflowError(
            f"results/transfer/{wildcards.data_id}: no `lora` source of {config['models']} "
            "has data with this id"
        )
    return spec


def transfer_data(wildcards):
    return canonical_json(_data_spec(wildcards))


def _teacher(wildcards):
    return teacher_config(_data_spec(wildcards), GRID.models, GRID.backends)


def teacher_identity(wildcards):
    """The teacher's registry entries (not its facts): a changed teacher re-asks it."""
    return canonical_json(_teacher(wildcards).identity())


def teacher_counts(wildcards):
    """The counts file of a synthetic (`teacher_rates`) teacher: a changed file re-draws."""
    source = _teacher(wildcards).weight_source.get(TEACHER_RATES_KIND)
    return workflow.source_path(f"../../resources/{source['counts']}") if source else []


def teacher_resources(wildcards):
    cfg = _teacher(wildcards)
    return PlayResources(
        cfg.backend_entry, GRID.models[cfg.model].parameters_b, cfg.quant
    )


def teacher_threads(wildcards):
    if TEACHER_RATES_KIND in _teacher(wildcards).weight_source:
        return 1
    return teacher_resources(wildcards).threads(workflow.cores)


def _lora(wildcards):
    entry = GRID.models.get(wildcards.model)
    source = entry.weights.get(wildcards.quant) if entry else None
    if not source or LORA_KIND not in source:
        raise WorkflowError(
            f"{wildcards.model} / {wildcards.quant}: not a `lora` weight source in "
            f"{config['models']}, so the finetune rule cannot build it"
        )
    return entry, source[LORA_KIND]


def finetune_dataset(wildcards):
    return SFT_DATASET.format(data_id=data_id(_lora(wildcards)[1]["data"]))


def finetune_base(wildcards):
    """The local file the adapter is trained on (a rebuilt base retrains it); none for a hub
    model, which the job fetches."""
    entry, spec = _lora(wildcards)
    parent = entry.source(spec["from"])
    if parent.kind in DERIVED_KINDS:
        return str(derived_paths(wildcards.model, parent.quant)[0])
    if parent.kind == "hub":
        return []
    try:
        return str(weight_file(entry.at(parent.quant)))
    except WeightsError as error:
        raise WorkflowError(str(error)) from None


def finetune_recipe_json(wildcards):
    entry, _ = _lora(wildcards)
    return canonical_json(
        finetune_recipe(wildcards.model, wildcards.quant, entry.weights)
    )


def finetune_resources(wildcards):
    """Sized by the backend the student plays on (its first grid entry, else CPU)."""
    entry, _ = _lora(wildcards)
    backend = next(
        (
            c.backend_entry
            for c in GRID.configs
            if (c.model, c.quant) == (wildcards.model, wildcards.quant)
        ),
        {"kind": "transformers", "options": {"device": "cpu"}},
    )
    return FinetuneResources(backend, entry.parameters_b)
