# The two entry points of the README: `make run` and `make test`. Both set up .venv when needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test gazetteer bench fuzz doctor clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m liveblog dashboard --server.headless true --browser.gatherUsageStats false

test: $(STAMP)
	$(PY) -m pytest -q

# Rebuild geo/data from ../shared/gazetteer-src (build-only dependencies are the [build] extra).
gazetteer: $(STAMP)
	$(PY) -m pip install -q -e '.[build]'
	$(PY) -m geo.build

# Figures, never pass/fail: ingest MB/s, updates/s, peak memory, start-up and the spaCy NER comparison.
bench: $(STAMP)
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) bench/throughput.py

# The long fuzz run (the test suite runs a bounded one): files tried, crashes, partial writes, events lost.
fuzz: $(STAMP)
	$(PY) bench/fuzz.py --seconds 300 --big

doctor: $(STAMP)
	$(PY) -m liveblog doctor

clean:
	rm -rf $(VENV) data/*.sqlite data/*.sqlite-*
