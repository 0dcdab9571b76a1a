# Two commands do all set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export DORP_DB ?= data/dorp.duckdb

.PHONY: install run test bench mutate chromium servers screenshots clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 of nieuwer is nodig")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/dorp init
	$(BIN)/dorp demo --if-empty
	$(BIN)/streamlit run app.py --server.port 8501

# Debian's chromium for the browser tests (never a downloaded browser), and poppler's
# pdftoppm to render report pages to PNG.
chromium:
	@{ command -v chromium >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  $$SUDO apt-get install -y -qq chromium chromium-driver poppler-utils >/dev/null; }

# Debian's PostgreSQL (the tests start a private cluster of their own, as the `postgres` user,
# and remove it after; DORP_TEST_PG=postgresql://... names a server to use instead) and nginx
# (the deploy/ test puts it in front of two app processes). Neither is started as a service.
servers:
	@{ ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && { command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; }; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql nginx openssl >/dev/null; }

# Two workers (pytest-xdist), each test module on one worker (its fixtures: servers, the
# PostgreSQL cluster, per worker).
test: install chromium servers
	$(BIN)/python -m pytest -n 2 --dist loadfile

bench: install chromium servers
	$(BIN)/python -m bench

# Mutation testing of the method's rules (dorp/rules.py, moves.py, vote.py; [tool.mutmut] in
# pyproject.toml): every mutant the tests do not kill is listed. Not part of `make test`.
mutate: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[mutate]'
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

# Copy the screenshots the README shows from the browser tests' latest run into docs/.
README_SHOTS := overzicht-dashboard stap-2-mbc dorpsdashboard-laren financiers financiers-boven programmaplan \
	rapport-plan-1 rapport-plan-2 rapport-pilot-laren burgerkracht-tab burgerkracht-dashboard \
	stemmen-telefoon stemronde-beamer stemronde-uitslag de-vonk
screenshots:
	mkdir -p docs/screenshots
	for s in $(README_SHOTS); do cp tests/artifacts/$$s.png docs/screenshots/; done
	cp tests/artifacts/pagina-*.png docs/screenshots/
	cp tests/artifacts/rapport-pagina-01.png docs/screenshots/rapport-voorblad.png
	cp tests/artifacts/rapport-pagina-02.png docs/screenshots/rapport-samenvatting.png

clean:
	rm -rf $(VENV) *.egg-info
