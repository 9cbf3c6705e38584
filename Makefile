# Two commands do all set-up on a fresh Debian/Ubuntu machine:
#   make run    install everything, migrate the SQLite database, load demo data, serve
#   make test   install everything, run the whole suite (SQLite, then PostgreSQL)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 5000
# Pango/HarfBuzz for WeasyPrint, Noto CJK so Chinese PDFs show real glyphs, Symbola for the emoji
# pasted from WeChat (Noto CJK has none: they would print as boxes),
# poppler-utils (pdftotext) and qpdf (--check) for the tests that read PDFs back, LibreOffice for
# previews of Office evidence, Chromium for the real-browser tests, Redis for the
# job-queue tests (scripts/test.sh starts it when it is not running), wrk as the
# client of `python -m bench web`.
SYSTEM_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
                   fonts-noto-cjk fonts-symbola poppler-utils qpdf \
                   libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui \
                   chromium redis-server wrk
export FLASK_APP := wsgi.py

.PHONY: run test setup system-packages translations db demo lock

run: setup db demo
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: setup
	bash scripts/test.sh

setup: system-packages $(VENV)/.installed translations

system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:" $$missing; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d reviewapp/translations > /dev/null

db: setup
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask seed-demo

# Re-pin the whole dependency tree from requirements.in.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install -q -r requirements.in
	(echo '# Generated from requirements.in by `make lock`: the exact tree CI and set-up install.'; \
	 .lock-venv/bin/pip freeze) > requirements.txt
	rm -rf .lock-venv
