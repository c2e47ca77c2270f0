# Two commands do everything on a fresh machine with Python 3.11:
#   make run   serve the API (embedded PostgreSQL, local auth) and print how to call it
#   make test  run the whole test suite: make lint, make test-unit, then make test-asterisk
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
DATA_DIR ?= .data
BENCH_ARGS ?=
# The real Asterisk 22 the Asterisk suite and the apply benchmark run; installed from ../shared/asterisk.
ASTERISK_PREFIX ?= /opt/asterisk
# ../shared holds the real parts (the Asterisk build, Wazo's clients): beside this checkout, or beside
# the repository it was cloned from (a CI clone in a temporary folder).
SHARED ?= $(shell if [ -d ../shared ]; then cd ../shared && pwd; else o=$$(git config --get remote.origin.url 2>/dev/null); if [ -n "$$o" ] && [ -d "$$o/../shared" ]; then cd "$$o/../shared" && pwd; else echo ../shared; fi; fi)
SHARED_ASTERISK ?= $(SHARED)/asterisk
export WAZO_SHARED_ASTERISK ?= $(SHARED_ASTERISK)
export WAZO_SHARED_CLIENTS ?= $(SHARED)/wazo-clients
export WAZO_TEST_ASTERISK_PREFIX = $(ASTERISK_PREFIX)
# The same Asterisk built with contrib/asterisk/patches (set_var endpoints merge: no endpoint gap).
ASTERISK_PATCHED_PREFIX ?= /opt/asterisk-patched
export WAZO_TEST_ASTERISK_PATCHED_PREFIX = $(ASTERISK_PATCHED_PREFIX)
# A second engine, for the two-engine tests.
ASTERISK_PREFIX_2 ?= /opt/asterisk-2
export WAZO_TEST_ASTERISK_PREFIX_2 = $(ASTERISK_PREFIX_2)

$(VENV)/.installed: requirements.txt test-requirements.txt setup.py
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt -r test-requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

.PHONY: venv run test lint test-unit test-asterisk asterisk asterisk-patched bench
venv: $(VENV)/.installed

run: venv
	$(VENV)/bin/wazo-confd-pjsip --data-dir $(DATA_DIR)

test: lint test-unit test-asterisk

# Wazo's house tooling (black, isort, flake8, mypy, SPDX headers) from the venv, through pre-commit.
lint: venv
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

# Real PostgreSQL and RabbitMQ; fake wazo-auth and fake ARI.
test-unit: venv
	$(VENV)/bin/python -m pytest -q --ignore=integration_tests/asterisk

# The real Asterisk, sipp, and the service pip-installed into a fresh venv (integration_tests/asterisk).
test-asterisk: venv asterisk asterisk-patched
	$(VENV)/bin/python -m pytest -q integration_tests/asterisk

asterisk: $(ASTERISK_PREFIX)/sbin/asterisk $(ASTERISK_PREFIX_2)/sbin/asterisk
$(ASTERISK_PREFIX_2)/sbin/asterisk:
	bash $(SHARED_ASTERISK)/install.sh $(ASTERISK_PREFIX_2)
$(ASTERISK_PREFIX)/sbin/asterisk:
	bash $(SHARED_ASTERISK)/install.sh $(ASTERISK_PREFIX)

# About 15 minutes on 2 cores; nothing to do when the prefix holds a build of the current patches.
asterisk-patched:
	SHARED_ASTERISK=$(SHARED_ASTERISK) bash contrib/asterisk/build-patched.sh $(ASTERISK_PATCHED_PREFIX)

bench: venv
	$(VENV)/bin/python -m benchmarks $(BENCH_ARGS)

# The Debian package, built from a copy of the tree (tracked and new files, not the ignored ones)
# so the work tree stays clean; the .deb lands in $(DEB_BUILD_DIR).
DEB_BUILD_DIR ?= build/deb

.PHONY: deb
deb:
	rm -rf $(DEB_BUILD_DIR)
	mkdir -p $(DEB_BUILD_DIR)/source
	git ls-files -z --cached --others --exclude-standard \
		| tar --null --files-from=- --ignore-failed-read -cf - \
		| tar -xf - -C $(DEB_BUILD_DIR)/source
	cd $(DEB_BUILD_DIR)/source && dpkg-buildpackage -us -uc -b
	@ls $(DEB_BUILD_DIR)/*.deb
