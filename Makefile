# manikit: two commands for people (make demo, make test), a few for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STATE := .manikit/demo.db

.PHONY: demo test check lint typecheck unit schemas clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	@rm -f $(DEMO_STATE)
	$(BIN)/manikit validate examples/

test: $(STAMP) check unit

check: $(STAMP)
	$(BIN)/ruff check manikit tests bench
	$(BIN)/ruff format --check manikit tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -n auto -q

schemas: $(STAMP)
	$(BIN)/manikit schema --out schemas/

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
