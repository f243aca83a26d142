# Two entry points for a fresh machine:
#   make demo  - set everything up, crawl the bundled demo portals into archive.db
#   make test  - set everything up, run lint and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
SYSTEM_PACKAGES := libreoffice-writer-nogui libreoffice-calc-nogui tesseract-ocr tesseract-ocr-chi-sim \
	chromium fonts-noto-cjk poppler-utils redis-server

.PHONY: demo test lint venv system-deps clean

demo: venv system-deps
	$(BIN)/zfxxgk demo --db archive.db

test: venv system-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: venv
	$(BIN)/ruff check .

venv: $(STAMPS)/venv

$(STAMPS)/venv: pyproject.toml
	mkdir -p $(STAMPS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Debian packages: LibreOffice converts DOC/WPS, tesseract OCRs scans, Chromium renders the
# crawl's script-built list pages (crawler/rendering.py) and Datasette pages in the browser
# test, Noto CJK fonts let both draw Chinese text; redis-server carries a distributed crawl
# (the tests start their own on loopback, never a system service).
system-deps: $(STAMPS)/system-deps

$(STAMPS)/system-deps:
	mkdir -p $(STAMPS)
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; \
	else \
		echo "not root or no apt-get: install these Debian packages yourself: $(SYSTEM_PACKAGES)"; \
	fi
	touch $@

clean:
	rm -rf $(VENV) $(STAMPS) build *.egg-info
