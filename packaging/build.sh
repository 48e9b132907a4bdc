#!/usr/bin/env bash
# Build the one-folder bundle (dist/opspanel/) and, where dpkg-deb exists, the .deb.
# Run from anywhere; `make package` calls it with PY set to the project's interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

# PyInstaller comes from the `package` extra; older checkouts without it get it directly.
"$PY" -c 'import PyInstaller' 2>/dev/null || "$PY" -m pip install --quiet -e '.[package]'
"$PY" -c 'import PyInstaller' 2>/dev/null || "$PY" -m pip install --quiet 'pyinstaller>=6.10,<7'
# The man page in the .deb is generated from the argparse tree (build_deb.py).
"$PY" -c 'import argparse_manpage' 2>/dev/null || "$PY" -m pip install --quiet -e '.[package]'

rm -rf build/icons dist/opspanel
"$PY" packaging/render_icons.py build/icons >/dev/null
"$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/opspanel.spec
echo "bundle: dist/opspanel ($(du -sh dist/opspanel | cut -f1))"

if command -v dpkg-deb >/dev/null 2>&1 && command -v readelf >/dev/null 2>&1; then
    deb=$("$PY" packaging/linux/build_deb.py --bundle dist/opspanel --out dist --work build)
    echo "package: $deb ($(du -h "$deb" | cut -f1))"
else
    echo "dpkg-deb or readelf missing: no .deb built (the bundle is complete)" >&2
fi
