# Two commands do everything on a fresh machine with Python 3.11:
#   make run   serve the API (embedded PostgreSQL, local auth) and print how to call it
#   make test  run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
DATA_DIR ?= .data
BENCH_ARGS ?=

$(VENV)/.installed: requirements.txt test-requirements.txt setup.py
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt -r test-requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

.PHONY: venv run test bench
venv: $(VENV)/.installed

run: venv
	$(VENV)/bin/wazo-confd-pjsip --data-dir $(DATA_DIR)

test: venv
	$(VENV)/bin/python -m pytest -q

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
