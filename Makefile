# Parley: `make demo` installs and runs the pipeline on examples/; `make test` installs and tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := demo.duckdb

# (where parley/cache.py keeps it: $PARLEY_MODEL_DIR, else ~/.cache/parley)
MODEL := $(or $(PARLEY_MODEL_DIR),$(HOME)/.cache/parley)/event_model.pt
STORIES := ../shared/data/events/ngec_gpt_synthetic_events_2023-10-19.csv

# root installs Debian packages itself; anyone else through sudo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install browser model demo test lint bench eval serve clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

# The event-type model is fine-tuned here (CPU, fixed seeds, under 15 minutes on 2 cores) from
# the project's real-news annotations (data/realnews, rebuilt from ../shared) and the public
# synthetic stories; no model hub. Without ../shared Parley codes with its rules alone.
# A cached model made from other annotations or another recipe is retrained (--if-stale).
model: install
	@if [ -f "$(STORIES)" ]; then $(BIN)/parley train events --if-stale; \
	elif [ -f "$(MODEL)" ]; then echo "event model: $(MODEL) (no training data at $(STORIES) to check it against)"; \
	else echo "no training data at $(STORIES): rules only"; fi

demo: model
	rm -f $(DEMO_DB)
	$(BIN)/parley run examples --db $(DEMO_DB)
	$(BIN)/parley stats --db $(DEMO_DB)
	$(BIN)/parley events --db $(DEMO_DB)

# The browser tests drive Debian's Chromium (never a downloaded one)
browser:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: install browser
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src
	$(BIN)/pytest

serve: demo
	$(BIN)/parley serve --db $(DEMO_DB)

bench: install
	$(BIN)/parley bench

eval: model
	for stage in clean events actors time places stories; do $(BIN)/parley eval $$stage || exit 1; done

clean:
	rm -rf $(VENV) *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache $(DEMO_DB)
