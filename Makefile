# `make demo` and `make test` each create or update .venv and do everything else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HF_STAMP := $(VENV)/.installed-hf
# The CPU build of torch; an unpinned torch would pull a multi-GB CUDA build.
TORCH := torch==2.13.0

.PHONY: demo lint test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when the package metadata changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,parquet]'
	touch $(STAMP)

# The [hf] extra (torch, transformers) for the local-model adapters' tests, [ray] for the Ray
# executor's; the demo stays light.
$(HF_STAMP): $(STAMP)
	$(BIN)/pip install --quiet '$(TORCH)'
	$(BIN)/pip install --quiet -e '.[dev,hf,parquet,ray]'
	touch $(HF_STAMP)

demo: $(STAMP)
	$(BIN)/robustness demo

# ruff over everything, mypy (strict) over the four packages; both configured in pyproject.toml.
lint: $(HF_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/perturbation_throughput.py
	$(BIN)/python bench/embedded_batching.py
	$(BIN)/python bench/rerun_speed.py
	$(BIN)/python bench/mllm_throughput.py --samples 182 --replicates 2
	$(BIN)/python bench/png_encoding.py
	$(BIN)/python bench/parser_accuracy.py
	$(BIN)/python bench/report_scale.py
	$(BIN)/python bench/ab_false_positives.py

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache
