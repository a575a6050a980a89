# Two entry points for a fresh machine: `make dev` runs Querela, `make test` proves it.
# Everything they need is installed here from PyPI into .tools/ and .venv/.

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: dev test lint bench sync clean browser fonts axe assets

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

sync: .venv/.synced

## Run Querela on localhost: embedded PostgreSQL, migrations, a demo tenant, the web app.
dev: sync fonts assets
	.venv/bin/querela dev

## Lint, type-check, check the import rules, then run the whole test suite.
test: sync lint browser fonts axe assets
	.venv/bin/pytest

## The browser tests drive Debian's Chromium; install it once if it is missing.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

## Browser-side parts from npm, as package-lock.json pins them: htmx for the staff
## workspace (served from frontend/static/vendor), axe-core for the accessibility checks.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

axe: node_modules/.package-lock.json

frontend/static/vendor/htmx.min.js: node_modules/.package-lock.json
	mkdir -p $(@D)
	cp node_modules/htmx.org/dist/htmx.min.js $@

assets: frontend/static/vendor/htmx.min.js

## PDF exports (appeal bundles) embed DejaVu so that every language's letters print.
fonts:
	@if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  echo "installing Debian's fonts-dejavu-core for PDF exports"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-dejavu-core >/dev/null; \
	fi

lint: sync
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy
	.venv/bin/lint-imports

## Benchmarks print figures; they are not part of the suite.
bench: sync
	.venv/bin/pytest tests/bench -s -p no:randomly

clean:
	rm -rf .venv .tools node_modules
