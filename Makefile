# Two commands do all the set-up on a fresh machine (Python 3.11+):
#   make demo   - system packages (as root), .venv, kkz-xl, then `kkz demo` on the embedded sample
#   make test   - the same environment, system tools (LibreOffice), ruff and the test suite
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint sysdeps clean

# System packages first: PyICU (Polish collation) builds against the system's ICU headers.
$(STAMP): pyproject.toml | sysdeps
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/kkz demo --katalog out/demo

sysdeps:
	bash scripts/install-system-deps.sh

lint: $(STAMP)
	$(PY) -m ruff check .

test: $(STAMP) sysdeps lint
	$(PY) -m pytest -q -n 2

bench: $(STAMP)
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
