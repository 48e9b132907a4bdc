# OpsPanel: the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
QM     := resources/translations/opspanel_ko.qm
export QT_QPA_PLATFORM ?= $(if $(DISPLAY)$(WAYLAND_DISPLAY),,offscreen)

.PHONY: run test bench lint translations translations-update clean package package-test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(QM): resources/translations/opspanel_ko.ts $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

translations: $(QM)

# After adding or changing tr() strings: refresh the .ts, translate it (Qt Linguist), commit it.
translations-update: $(STAMP)
	$(VENV)/bin/pyside6-lupdate $$(find panel -name '*.py' | sort) -ts resources/translations/opspanel_ko.ts

run: $(STAMP) $(QM)
	$(VENV)/bin/opspanel

test: $(STAMP) $(QM)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(STAMP) $(QM)
	$(PY) -m pip install --quiet -e '.[bench]'
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.benchmarks --out bench-results.json

clean:
	rm -rf $(VENV) build dist *.egg-info $(QM)

# The installable program: PyInstaller one-folder bundle in dist/opspanel/ and, on Debian
# or Ubuntu, dist/opspanel_<version>_amd64.deb. See packaging/README.md.
package: $(STAMP) $(QM)
	PY=$(PY) bash packaging/build.sh

# Slow smoke test of what `make package` built (not part of `make test`): the bundle
# headless + ctl, its children, the .deb's contents, the GUI under Xvfb (build/screenshot.png).
package-test: $(STAMP)
	PY=$(PY) bash packaging/package_test.sh
