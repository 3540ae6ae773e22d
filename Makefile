# Samen — the commands of the quick start are `make try`, `make run` and `make test`.
# Everything they need (a virtual environment with pinned packages, compiled catalogs) is
# made here, so they work on a fresh machine with Python 3.11.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
LANGUAGES := nl en ar uk ru ti fa tr so
# The suite runs every database test on PostgreSQL too when one answers here; empty to skip.
SAMEN_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
export SAMEN_TEST_POSTGRES_URL

PLAYGROUND_ARGS ?=

.PHONY: try run test lint format install fonts texts-extract texts-update texts-compile texts-new \
	texts-apply-reviews clean

# The real bot for invented people in a local page; no token, nothing sent to Telegram.
try: install texts-compile
	$(BIN)/samen playground $(PLAYGROUND_ARGS)

run: install texts-compile
	$(BIN)/samen run

# One worker per core (`PYTEST_WORKERS=0` runs in one process, e.g. to debug with -x/--pdb).
PYTEST_WORKERS ?= auto
test: install texts-compile lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

install: $(VENV)/.installed

# Reinstall when the dependencies or their pins change.
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

# The fonts charts, posters and printed reports draw every script with (Noto Sans, Noto Sans
# Arabic, Noto Sans Ethiopic; about 42 MB): Debian's package, installed as root. `samen doctor`
# says whether they are there.
fonts:
	@test -f /usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf || { \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core; }

# The catalog cycle: extract the source strings, merge them into every catalog, compile.
texts-extract: install
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ --no-location --sort-output \
		--project=Samen --copyright-holder="Samen contributors" -o locales/messages.pot bot

texts-update: texts-extract
	$(BIN)/pybabel -q update -i locales/messages.pot -d locales --no-fuzzy-matching \
		--ignore-obsolete

texts-compile: install
	$(BIN)/pybabel -q compile -d locales

# make texts-new LANG=am: the catalog, a glossary skeleton and a STYLE.md section to fill in.
texts-new: texts-extract
	$(BIN)/samen texts new $(LANG)

# Merge what community translators reviewed (`samen texts reviews --language ti --out ti.po`)
# into the catalogs and compile them: make texts-apply-reviews FRAGMENTS="ti.po so.po"
texts-apply-reviews: install
	@test -n "$(FRAGMENTS)" || { echo 'name the fragments: make texts-apply-reviews FRAGMENTS="ti.po"'; exit 2; }
	$(BIN)/samen texts apply-reviews --locales locales $(FRAGMENTS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find locales -name '*.mo' -delete
