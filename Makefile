# Parley: `make demo` installs and runs the pipeline on examples/; `make test` installs and tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := demo.duckdb

.PHONY: install demo test lint bench eval clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

demo: install
	rm -f $(DEMO_DB)
	$(BIN)/parley run examples --db $(DEMO_DB)
	$(BIN)/parley stats --db $(DEMO_DB)
	$(BIN)/parley events --db $(DEMO_DB)

test: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src
	$(BIN)/pytest

bench: install
	$(BIN)/parley bench

eval: install
	$(BIN)/parley eval all

clean:
	rm -rf $(VENV) *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache $(DEMO_DB)
