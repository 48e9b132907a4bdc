#!/usr/bin/env bash
# Smoke test of what `make package` built (slow; not part of `make test`):
#   - the bundle alone: --version, -m/-c, headless engine + `ctl status` / `ctl server status`
#     with the demo server running, a frozen connection worker against a Modbus simulator,
#     the reaper, nothing left after SIGTERM;
#   - the .deb: file list, Depends against what the bundle links, desktop entry, AppStream;
#     as root also install -> run -> remove, checking that the workspace stays;
#   - the GUI from the bundle under Xvfb, screenshot in build/screenshot.png.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

need=()
command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
command -v xwininfo >/dev/null 2>&1 || need+=(x11-utils)
[ -x /usr/bin/import ] || need+=(imagemagick)
command -v desktop-file-validate >/dev/null 2>&1 || need+=(desktop-file-utils)
command -v appstreamcli >/dev/null 2>&1 || need+=(appstream)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    else
        echo "missing tools (${need[*]}): the tests that need them are skipped" >&2
    fi
fi

deb=$(ls -t dist/opspanel_*_amd64.deb 2>/dev/null | head -1 || true)
if [ "$(id -u)" = 0 ] && [ -n "$deb" ] && command -v apt-get >/dev/null 2>&1; then
    # The runtime libraries the package depends on (what a real install would pull in).
    deps=$(dpkg-deb -f "$deb" Depends | tr -d ' ' | tr ',' ' ')
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $deps >/dev/null
    export OPSPANEL_TEST_INSTALL=${OPSPANEL_TEST_INSTALL:-1}
fi

exec "$PY" -m pytest tests/package -p no:cacheprovider \
    -o addopts="-ra --strict-markers --import-mode=importlib" -q "$@"
