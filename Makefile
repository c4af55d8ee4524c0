# The two commands of the README. Each installs what it needs into ./.venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HASH   := $(shell sha256sum pyproject.toml | cut -c1-12)
APP    := $(VENV)/.installed-app-$(HASH)
DEV    := $(VENV)/.installed-dev-$(HASH)

.PHONY: demo test install lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(APP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	rm -f $(VENV)/.installed-app-*
	touch $(APP)

$(DEV): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-dev-* $(VENV)/.installed-app-*
	touch $(DEV) $(APP)

install: $(APP)

demo: $(APP)
	$(BIN)/csp demo --out demo-output

test: $(DEV)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(DEV)
	$(BIN)/ruff check src tests benchmarks

clean:
	rm -rf $(VENV) demo-output .pytest_cache
