"""Run the benchmarks: `python -m tests.benchmarks [--only NAME] [--out FILE]`.

Each `bench_<name>.py` module has `run() -> dict`: its figures, including the
baseline it measured in the same run. The results of all of them are written to
one JSON file, and a short table is printed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", default=[], help="bench module name (repeat)")
    parser.add_argument("--out", default="bench-results.json")
    args = parser.parse_args()
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if args.only:
        names = [n for n in names if n in args.only or n.removeprefix("bench_") in args.only]
    results: dict[str, object] = {
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    failed = False
    for name in names:
        print(f"== {name}", flush=True)
        try:
            module = importlib.import_module(f"tests.benchmarks.{name}")
            figures = module.run()
        except Exception:  # a broken benchmark is reported, the others still run
            traceback.print_exc()
            figures = {"error": traceback.format_exc(limit=3)}
            failed = True
        results[name] = figures
        print(json.dumps(figures, indent=2), flush=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"figures written to {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
