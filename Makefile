# closeout-analysis — run `make help` for the targets.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# every report folder under data/ (a folder with a report.toml); REPORT=data/x builds one
REPORT ?= $(patsubst %/report.toml,%,$(sort $(wildcard data/*/report.toml)))
OUT ?= outputs
PLACES ?= 10 50 200
NAIVE_MAX ?= 50
REPEAT ?= 3
BUILDS ?= 100

.DEFAULT_GOAL := help
.PHONY: help setup fonts browser test report validate lab lint bench bench-setup reliability lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml scripts/setup-venv
	PYTHON=$(PYTHON) VENV=$(VENV) scripts/setup-venv
	@touch $(STAMP)

setup: $(STAMP) fonts browser ## create .venv with the pinned packages; make sure a CJK font (and Chromium, for tests) are installed

fonts: ## install a CJK font for the charts if none is installed (Debian/Ubuntu, as root)
	@scripts/ensure-fonts

browser: ## install Chromium for the real-browser tests if missing (Debian/Ubuntu, as root; required when CI=true)
	@scripts/ensure-browser || { [ "$${CI:-}" != true ] && echo "note: tests/test_browser.py will be skipped"; }

test: setup ## run every test: unit, doctests, validation of the data, notebooks and a full build
	$(PY) -m pytest

report: $(STAMP) fonts ## build every report under data/ into outputs/ (REPORT=… OUT=… to change)
	$(VENV)/bin/closeout build $(REPORT) --out $(OUT)

validate: $(STAMP) ## check every report folder against the schema and the source text
	@for r in $(REPORT); do $(VENV)/bin/closeout validate $$r || exit $$?; done

lint: $(STAMP) ## run ruff over the code (also part of make test)
	$(VENV)/bin/ruff check src tests benchmarks

bench: setup bench-setup ## time the naive papermill+nbconvert loop vs closeout build vs the compute floor (long; PLACES=…)
	$(PY) benchmarks/bench.py --places $(PLACES) --naive-max $(NAIVE_MAX) --repeat $(REPEAT)

bench-setup: $(STAMP) ## install the benchmark-only packages (requirements-bench.lock: ploomber-engine, for the peer) in $(VENV)/bench-site
	$(PY) -m pip install --quiet --no-deps --upgrade --target $(VENV)/bench-site -r requirements-bench.lock

reliability: setup ## run 100 consecutive `closeout build --workers 2` and count kernel start failures
	$(PY) benchmarks/reliability.py --builds $(BUILDS)

lab: $(STAMP) fonts ## open JupyterLab on the notebooks (as root too, as in containers)
	$(VENV)/bin/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root)

lock: ## re-resolve the newest versions into requirements.lock and requirements-bench.lock (then mirror them in environment.yml)
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install -q -e .[dev,dask]
	( sed -n '1,2p' requirements.lock; .venv-lock/bin/pip freeze --exclude-editable ) > requirements.lock.new
	.venv-lock/bin/pip install -q -e .[dev,dask,bench]
	( sed -n '1,2p' requirements-bench.lock; .venv-lock/bin/pip freeze --exclude-editable | grep -vxFf requirements.lock.new ) > requirements-bench.lock.new
	mv requirements.lock.new requirements.lock && mv requirements-bench.lock.new requirements-bench.lock && rm -rf .venv-lock

clean: ## remove the virtual environment and generated outputs
	rm -rf $(VENV) $(OUT)/*/ .pytest_cache
