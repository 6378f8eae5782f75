# manikit: two commands for people (make demo, make test), a few for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STATE := .manikit/demo.db

.PHONY: demo test check lint typecheck unit fuzz schemas bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# lint -> plan -> apply -> get on examples/app against the embedded default cluster, then a second plan
demo: $(STAMP)
	@rm -f $(DEMO_STATE) $(DEMO_STATE)-wal $(DEMO_STATE)-shm $(DEMO_STATE).backup
	@mkdir -p $(dir $(DEMO_STATE))
	$(BIN)/manikit lint examples/app
	$(BIN)/manikit plan --state $(DEMO_STATE) examples/app
	$(BIN)/manikit apply --state $(DEMO_STATE) --auto-approve examples/app
	$(BIN)/manikit get --state $(DEMO_STATE) all -n shop -o wide
	$(BIN)/manikit plan --state $(DEMO_STATE) --detailed-exitcode examples/app

test: $(STAMP) check unit

check: $(STAMP)
	$(BIN)/ruff check manikit tests bench scripts
	$(BIN)/ruff format --check manikit tests bench scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -n auto --dist loadgroup -q

# checkov, which lint is compared with, pins old dependencies: it gets a venv of its own
CHECKOV_VENV := .venv-checkov
CHECKOV := checkov==3.3.30

$(CHECKOV_VENV)/.installed:
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet '$(CHECKOV)'
	touch $@

# every benchmark, one after another; writes bench/FIGURES.md, the figures README quotes (minutes)
bench: $(STAMP) $(CHECKOV_VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/all.py --out bench/FIGURES.md

# the long fuzz run: many more hypothesis examples, then the whole-process fault campaign's figures
fuzz: $(STAMP)
	MANIKIT_FUZZ_EXAMPLES=400 MANIKIT_FUZZ_RANDOM=1 $(BIN)/pytest -n auto -q tests/fuzz tests/safety
	$(BIN)/python bench/fuzz.py --trials 60

schemas: $(STAMP)
	$(BIN)/manikit schema --out schemas/

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
