# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Both set up first (`make setup`), which is quick and harmless when already done.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.eikg-installed

.PHONY: setup test demo neo4j-start neo4j-stop test-neo4j-stop bench clean

setup: $(STAMP)
	@$(BIN)/eikg neo4j install

$(STAMP): pyproject.toml scripts/check-prereqs.sh
	@PYTHON=$(PYTHON) ./scripts/check-prereqs.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,model]'
	@$(BIN)/python -c 'import eikg.ingest.model as m; m.load_model(); print("setup: spaCy model ready")'
	@touch $(STAMP)

# Tests talk to a real Neo4j: a local one of their own (its own store, so they never
# empty the graph you work with; started here when needed) unless NEO4J_URI points elsewhere.
TEST_STORE ?= data/neo4j-test

test: setup
	@if [ -z "$$NEO4J_URI" ]; then EIKG_NEO4J_STORE=$(TEST_STORE) $(BIN)/eikg neo4j start; fi
	EIKG_NEO4J_STORE=$(TEST_STORE) $(BIN)/python -m pytest $(PYTEST_ARGS)

test-neo4j-stop:
	@test -x $(BIN)/eikg && EIKG_NEO4J_STORE=$(TEST_STORE) $(BIN)/eikg neo4j stop || true

demo: setup
	$(BIN)/eikg demo

neo4j-start: setup
	$(BIN)/eikg neo4j start

neo4j-stop:
	@test -x $(BIN)/eikg && $(BIN)/eikg neo4j stop || true

bench: setup
	@if [ -z "$$NEO4J_URI" ]; then $(BIN)/eikg neo4j start; fi
	@status=0; for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || status=1; done; exit $$status

clean:
	rm -rf out build *.egg-info
