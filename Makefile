# Pacesetter: `make demo` builds everything and runs the demo site; `make serve` runs it again on the
# existing data; `make test` runs the test suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
ASSETS := src/pacesetter/web/assets/vendor
export PACESETTER_DATA_DIR ?= $(CURDIR)/var

.PHONY: demo test test-fast test-browser install assets lint typecheck messages clean serve

$(BIN)/pacesetter: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/pacesetter assets
	$(BIN)/pacesetter manage collectstatic --noinput -v 0

serve: install
	$(BIN)/pacesetter serve

$(ASSETS)/.built: package.json
	npm install --no-audit --no-fund --silent
	mkdir -p $(ASSETS)/fonts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(ASSETS)/
	cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css $(ASSETS)/
	cp node_modules/bootstrap-icons/font/fonts/* $(ASSETS)/fonts/
	cp node_modules/echarts/dist/echarts.min.js $(ASSETS)/
	touch $@

assets: $(ASSETS)/.built

demo: install
	$(BIN)/pacesetter demo --serve

test: install
	$(BIN)/pytest -q -n 2 -m "not browser"
	$(BIN)/pytest -q -n 2 -m browser

test-fast: install
	$(BIN)/pytest -q -m "not browser"

test-browser: install
	$(BIN)/pytest -q -m browser

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports --no-cache

typecheck: install
	$(BIN)/mypy

messages: install
	cd src/pacesetter && ../../$(BIN)/django-admin makemessages -l en --no-obsolete && ../../$(BIN)/django-admin compilemessages -l en

clean:
	rm -rf $(VENV) node_modules $(ASSETS) var
