# OpsPanel: the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
QM     := resources/translations/opspanel_ko.qm resources/translations/opspanel_en.qm
# The dialogs drawn in Qt Designer (ui/*.ui), compiled to Python next to the views.
FORMS  := $(patsubst ui/%.ui,panel/views/forms/ui_%.py,$(wildcard ui/*.ui))
export QT_QPA_PLATFORM ?= $(if $(DISPLAY)$(WAYLAND_DISPLAY),,offscreen)

.PHONY: run test bench lint forms translations translations-update clean package package-test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

resources/translations/%.qm: resources/translations/%.ts $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

translations: $(QM)

panel/views/forms/ui_%.py: ui/%.ui $(STAMP)
	$(VENV)/bin/pyside6-uic --no-autoconnection $< -o $@

forms: $(FORMS)

TR_SOURCES = $$(find panel -name '*.py' -not -path 'panel/views/forms/*' | sort) ui/*.ui

# After adding or changing tr() strings: refresh the .ts, translate it (Qt Linguist), commit it.
translations-update: $(STAMP)
	$(VENV)/bin/pyside6-lupdate $(TR_SOURCES) -ts resources/translations/opspanel_ko.ts
	$(VENV)/bin/pyside6-lupdate $(TR_SOURCES) -pluralonly -ts resources/translations/opspanel_en.ts

run: $(STAMP) $(QM) $(FORMS)
	$(VENV)/bin/opspanel

test: $(STAMP) $(QM) $(FORMS)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

lint: $(STAMP) $(FORMS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(STAMP) $(QM) $(FORMS)
	$(PY) -m pip install --quiet -e '.[bench]'
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.benchmarks --out bench-results.json

clean:
	rm -rf $(VENV) build dist *.egg-info $(QM) $(FORMS)

# The installable program: PyInstaller one-folder bundle in dist/opspanel/ and, on Debian
# or Ubuntu, dist/opspanel_<version>_amd64.deb. See packaging/README.md.
package: $(STAMP) $(QM) $(FORMS)
	PY=$(PY) bash packaging/build.sh

# Slow smoke test of what `make package` built (not part of `make test`): the bundle
# headless + ctl, its children, the .deb's contents, the GUI under Xvfb (build/screenshot.png).
package-test: $(STAMP) $(FORMS)
	PY=$(PY) bash packaging/package_test.sh
