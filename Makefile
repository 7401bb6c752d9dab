# One entry point for everything: each target installs what it needs on first use.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
WORK := $(CURDIR)/.work
# ansible-test only runs inside .../ansible_collections/<ns>/<name>/, so tests run in a copy there.
COLLECTIONS := $(WORK)/collections
TREE := $(COLLECTIONS)/ansible_collections/msp/connectwise
export PATH := $(BIN):$(PATH)
export ANSIBLE_NOCOLOR := 1
# Keep tool caches and molecule's collection copy out of the user's home directory.
TOOL_HOME := $(WORK)/home

.PHONY: help venv tree demo test lint sanity units integration simulator-tests simulator-client-check molecule galaxy runner \
	bench clean sim

help:
	@echo "make demo   - onboard simulated ConnectWise tenants end to end (installs what it needs)"
	@echo "make test   - everything CI checks: lint, sanity, units, simulator, integration, molecule, galaxy, runner,"
	@echo "              docs, changelog, execution environment, ansible-core matrix"
	@echo "make lint | sanity | units | simulator-tests | simulator-client-check | integration | molecule | galaxy | runner"
	@echo "make bench | sim"
	@echo "make docs | docs-lint | changelog-lint | release-notes | ee | matrix | matrix-probe | clean"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements/dev.txt $(wildcard simulator/pyproject.toml)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	if [ -f simulator/pyproject.toml ]; then \
	  $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e simulator; fi
	touch $@

tree: venv
	$(BIN)/python scripts/sync_collection_tree.py $(TREE)

# ansible-test downloads a pip bootstrap script from a host outside the package registries;
# install the project's offline stand-in under the name it looks for.
$(TOOL_HOME)/.pip-bootstrap: scripts/get_pip_offline.py venv
	version=$$($(BIN)/python -c "import inspect, re; import ansible_test._internal.python_requirements as r; \
	  print(re.search(r\"pip='([0-9.]+)'\", inspect.getsource(r.get_venv_packages)).group(1))"); \
	mkdir -p $(TOOL_HOME)/.ansible/test/cache; \
	cp scripts/get_pip_offline.py $(TOOL_HOME)/.ansible/test/cache/get_pip_$${version//./_}.py
	touch $@

# --offline keeps ansible-lint from installing anything; it then resolves msp.connectwise from the tree copy.
lint: tree
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) ansible-lint --offline

sanity: tree $(TOOL_HOME)/.pip-bootstrap
	@# ansible-test's shellcheck test needs the binary; without it the test is skipped with a warning.
	command -v shellcheck >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null; } || \
	  echo "shellcheck is not installed and cannot be installed here: ansible-test will skip its shell checks"
	cd $(TREE) && HOME=$(TOOL_HOME) ansible-test sanity --python 3.11 --local --color no

units: tree $(TOOL_HOME)/.pip-bootstrap
	cd $(TREE) && HOME=$(TOOL_HOME) ansible-test units --python 3.11 --venv --color no

# Includes test_generated_client.py: a ConnectWise SDK generated from the vendor's schema parses the simulator's
# member rows. It installs its pinned SDK from PyPI into its own virtualenv, .work/sdk-client/, on first use.
simulator-tests: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider simulator/tests

# Just the generated-client check (part of simulator-tests, so of make test, too).
simulator-client-check: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider simulator/tests/test_generated_client.py

integration: tree
	$(BIN)/python scripts/run_integration.py --tree $(TREE)

molecule: tree
	cd $(TREE) && HOME=$(TOOL_HOME) molecule test --all

galaxy: tree
	$(BIN)/python scripts/galaxy_check.py --tree $(TREE) --work $(WORK)/galaxy

# The AWX guide's ansible-runner layout, from the installed artifact, against the simulator.
runner: tree
	$(BIN)/python scripts/runner_check.py --tree $(TREE) --work $(WORK)/runner

test: lint sanity units simulator-tests integration molecule galaxy runner docs-lint docs changelog-lint ee matrix reliability
	@echo "make test: all checks passed"

demo: venv
	$(BIN)/python scripts/demo.py --work $(WORK)/demo

sim: venv
	mkdir -p $(WORK) && $(BIN)/python -m cwsim --host 127.0.0.1 --port 8443 --bootstrap-out $(WORK)/sim-bootstrap-keys.json

# Figures, not tests: tables on stdout, JSON under .work/bench/ (about 25 minutes on 2 cores).
bench: venv
	$(BIN)/python bench/bench_rollout.py
	$(BIN)/python bench/bench_compare.py
	$(BIN)/python bench/bench_workers.py
	$(BIN)/python bench/bench_settings.py
	$(BIN)/python simulator/bench/bench_simulator.py --seconds 10 --json $(WORK)/bench/simulator.json

clean:
	rm -rf $(WORK) .ansible collections tests/output

# --- ecosystem: core matrix, docs, changelog, execution environment --------------------------
.PHONY: matrix matrix-probe docs docs-lint changelog-lint release-notes ee

matrix: venv
	$(BIN)/python scripts/core_matrix.py

matrix-probe: venv
	$(BIN)/python scripts/core_matrix.py --cores 2.17,2.18

docs-lint: venv
	$(BIN)/python scripts/docs_lint.py --work $(WORK)/docs

docs: venv
	$(BIN)/python scripts/build_docs.py --work $(WORK)/docs

changelog-lint: venv
	antsibull-changelog lint && echo "changelog-lint: fragments and changelogs/changelog.yaml are valid"

release-notes: venv
	$(BIN)/python scripts/release_notes.py --work $(WORK)/release-notes

ee: venv
	$(BIN)/python scripts/ee_check.py --work $(WORK)/ee

# --- reliability: fault soak, ambiguous writes, crash recovery, secret hygiene, bad input -----------
.PHONY: reliability

reliability: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/reliability
