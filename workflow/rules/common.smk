from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from clemgrid.backends.weights import WeightsError, weight_file
from clemgrid import failed_plays
from clemgrid.analysis.comparisons import Comparisons
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

CONFIG_FILE = (workflow.overwrite_configfiles or ["config/config.yaml"])[-1]

validate(config, schema="../schemas/config.schema.yaml")
try:
    GRID = load_grid(config, config_file=CONFIG_FILE, known_games=GAMES)
except RegistryError as error:
    raise WorkflowError(f"invalid configuration: {error}") from None
validate(GRID.models, schema="../schemas/models.schema.yaml")
validate(GRID.backends, schema="../schemas/backends.schema.yaml")


wildcard_constraints:
    model=NAME_PATTERN,
    backend=NAME_PATTERN,
    quant=NAME_PATTERN,
    game=GAME_PATTERN,


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
    """The file the quantize rule builds for (model, quant), that of the quant a `bitsandbytes`
    source is made from, or [] for weights that come from elsewhere."""
    weights = GRID.models[model]["weights"]
    for q in source_chain(weights, quant):
        kind = weight_source_kind(weights[q])
        if kind in DERIVED_KINDS:
            return str(derived_paths(model, q)[0])
        if kind != BITSANDBYTES_KIND:
            return []
    return []


def play_weights(wildcards):
    """A play job needs its built weights first; a rebuilt file replays the job."""
    return built_weights(wildcards.model, wildcards.quant)


def _built_source(wildcards):
    """(model entry, weight source kind) of a quant the quantize rule builds."""
    entry = GRID.models.get(wildcards.model) or {"weights": {}}
    source = entry["weights"].get(wildcards.quant)
    kind = weight_source_kind(source) if source else None
    if kind not in DERIVED_KINDS:
        raise WorkflowError(
            f"{wildcards.model} / {wildcards.quant}: not a `derive` or `quantize` weight "
            f"source in {config['models']}, so the quantize rule cannot build it"
        )
    return entry, kind


def quantize_source(wildcards):
    """The file a quant is built from, when it is local (a package file, a path, or another
    built quant): a changed source rebuilds it. A hub file is fetched by the job itself.
    """
    entry, kind = _built_source(wildcards)
    parent = entry["weights"][wildcards.quant][kind]["from"]
    parent_kind = weight_source_kind(entry["weights"][parent])
    if parent_kind in DERIVED_KINDS:
        return str(derived_paths(wildcards.model, parent)[0])
    if parent_kind == "hub":
        return []
    cfg = PlayConfig(wildcards.model, "(quantize)", parent, entry, {})
    try:
        return str(weight_file(cfg))
    except WeightsError as error:
        raise WorkflowError(str(error)) from None


def quantize_recipe(wildcards):
    """Canonical JSON of what determines a built quant (its rerun trigger)."""
    entry, _ = _built_source(wildcards)
    return canonical_json(recipe(wildcards.model, entry["weights"], wildcards.quant))


def quant_labels():
    """{model: {quant: label}} of the grid's quants that are built or labelled in the registry:
    the score table names them by label (an F16 derived from Q4_1 is not an F16 model).
    """
    labels = {}
    for c in GRID.configs:
        if "label" in c.weight_source or built_kind(c.weight_source):
            weights = GRID.models[c.model]["weights"]
            labels.setdefault(c.model, {})[c.quant] = default_label(weights, c.quant)
    return canonical_json(labels)


def play_threads(wildcards):
    """Local inference, in-process or in a launched server, gets every core: a second job
    beside it would make its spinning worker threads wait for each other."""
    entry = GRID.backends[wildcards.backend]
    local = entry["kind"] in ("llama_cpp", "transformers") or "launch" in entry
    return workflow.cores if local else 1


def grid_outputs(pattern):
    """Input function: `pattern` filled for every (config, game) the grid plays (configs are
    explicit, and a grid entry with its own `games` plays only those; not a product).

    A function, not a list: Snakemake looks every input file's source item up among the rule's
    `rules.*.output` dependencies, and hashing a list item costs its length, which made
    10,000-job grids quadratic (benchmarks/dag_scale.py)."""

    def files(wildcards):
        return [
            pattern.format(model=c.model, backend=c.backend, quant=c.quant, game=game)
            for c, game in GRID.plays()
        ]

    return files


def final_outputs():
    return [
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


# Cluster resources of play jobs. Local runs use none of them except `threads`; on SLURM
# (profiles/slurm) they become sbatch options through snakemake-executor-plugin-slurm.
import math
import re

GPU_MODEL = "a100"  # sbatch --gpus=a100:N; the GRES type name of the cluster's A100s
GPU_MEMORY_GB = 80  # memory of one GPU: how many GPUs a model needs
CPUS_PER_GPU = 8


def play_backend_entry(wildcards):
    return GRID.backends[wildcards.backend]


def play_parameters_b(wildcards):
    """Model size in billions of parameters; 0 for synthetic models and unknown sizes."""
    facts = GRID.models[wildcards.model].get("facts") or {}
    return float(facts.get("parameters_b") or 0)


def backend_uses_gpu(entry):
    """Whether a backend runs the model on a GPU of the node the play job runs on:
    transformers unless `device` is cpu; llama.cpp when it offloads layers (n_gpu_layers);
    a launched vLLM server always, a launched llama.cpp server when it offloads. APIs and
    scripted players never."""
    options = entry.get("options") or {}
    if entry["kind"] == "transformers":
        return not str(options.get("device") or "cuda").startswith("cpu")
    if entry["kind"] == "llama_cpp":
        return options.get("n_gpu_layers", 0) != 0
    launch = entry.get("launch")
    if entry["kind"] == "openai_compatible" and launch:
        launch_options = launch.get("options") or {}
        return launch["server"] == "vllm" or launch_options.get("n_gpu_layers", 0) != 0
    return False


def play_weights_gb(wildcards):
    """Size of the weights in GB, from parameters and bits per weight (the quant: GGUF file
    types by name, "none" by the backend's dtype). 0 for models that run elsewhere."""
    entry = play_backend_entry(wildcards)
    if entry["kind"] == "scripted" or (
        entry["kind"] == "openai_compatible" and "launch" not in entry
    ):
        return 0.0
    quant = wildcards.quant.upper()
    if quant == "NONE":
        dtype = str((entry.get("options") or {}).get("dtype", "float32"))
        bits = 32 if dtype == "float32" else 16
    elif re.match(r"^(BF|F)(16|32)$", quant):
        bits = int(quant[-2:])
    elif match := re.match(r"^I?Q(\d)", quant):
        bits = int(match.group(1)) + 1  # block scales add about one bit per weight
    elif match := re.match(r"^BNB(\d)$", quant):
        bits = int(match.group(1))
    else:
        bits = 16
    return play_parameters_b(wildcards) * bits / 8


def play_gpus(wildcards):
    """GPUs a play job needs: the weights plus 10% and 4 GB (KV cache, activations, CUDA)."""
    if not backend_uses_gpu(play_backend_entry(wildcards)):
        return 0
    return max(1, math.ceil((play_weights_gb(wildcards) * 1.1 + 4) / GPU_MEMORY_GB))


def play_gpu(wildcards):
    return play_gpus(wildcards) or None


def play_gpu_model(wildcards):
    return GPU_MODEL if play_gpus(wildcards) else None


def play_cpus(wildcards):
    """CPUs of the SLURM allocation (cpus_per_task): per GPU, the backend's n_threads on CPU."""
    entry = play_backend_entry(wildcards)
    if gpus := play_gpus(wildcards):
        return gpus * CPUS_PER_GPU
    if entry["kind"] in ("llama_cpp", "transformers") or "launch" in entry:
        options = (entry.get("launch") or entry).get("options") or {}
        return int(options.get("n_threads", 4))
    return 1


def play_mem_mb(wildcards, attempt):
    """Host memory: a base plus the weights (read once to the GPU, or held in RAM on CPU);
    half as much again on every retry."""
    if play_gpus(wildcards):
        gb = 16 + play_weights_gb(wildcards)
    else:
        gb = 2 + 1.5 * play_weights_gb(wildcards)
    return math.ceil(gb * 1024 * (1 + 0.5 * (attempt - 1)))


def play_runtime(wildcards, attempt):
    """Wall time in minutes of one play job (one game): grows with the model size and
    doubles, triples... with the attempt (a job killed at its time limit is retried)."""
    entry = play_backend_entry(wildcards)
    if entry["kind"] == "scripted":
        minutes = 10
    elif entry["kind"] == "openai_compatible" and "launch" not in entry:
        minutes = 120  # rate limits and retries of remote APIs
    elif play_gpus(wildcards):
        minutes = 20 + 1.5 * play_parameters_b(wildcards)
    else:
        minutes = 30 + 60 * play_parameters_b(wildcards)
    return math.ceil(minutes) * attempt


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
