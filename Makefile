# The two entry points of the README: `make run` and `make test`. Both set up .venv when needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test gazetteer bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m streamlit run dashboard.py

test: $(STAMP)
	$(PY) -m pytest -q

# Rebuild geo/data from ../shared/gazetteer-src (build-only dependencies are the [build] extra).
gazetteer: $(STAMP)
	$(PY) -m pip install -q -e '.[build]'
	$(PY) -m geo.build

bench: $(STAMP)
	$(PY) bench/ingest_throughput.py

clean:
	rm -rf $(VENV) data/*.sqlite data/*.sqlite-*
