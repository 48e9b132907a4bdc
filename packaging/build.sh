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

# NumPy (under the charts) from PyPI brings OpenBLAS and gfortran, 26 MB the charts never
# use: the bundle gets a NumPy built without BLAS (its own lapack_lite), once per version,
# kept in build/wheels (compiling it takes ~20 min on 2 cores). OPSPANEL_KEEP_NUMPY=1 keeps
# the installed one.
if [ -z "${OPSPANEL_KEEP_NUMPY:-}" ] && "$PY" -c '
import importlib.metadata as metadata, sys
sys.exit(0 if any("openblas" in str(f) for f in metadata.files("numpy") or []) else 1)'
then
    version=$("$PY" -c 'import numpy; print(numpy.__version__)')
    wheel=$(ls build/wheels/numpy-"$version"-*.whl 2>/dev/null | head -1 || true)
    if [ -z "$wheel" ]; then
        "$PY" -m pip wheel --quiet --no-deps --no-binary numpy -w build/wheels "numpy==$version" \
            -Csetup-args=-Dallow-noblas=true -Csetup-args=-Dblas=none -Csetup-args=-Dlapack=none
        wheel=$(ls build/wheels/numpy-"$version"-*.whl | head -1)
    fi
    "$PY" -m pip install --quiet --force-reinstall --no-deps "$wheel"
fi

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
