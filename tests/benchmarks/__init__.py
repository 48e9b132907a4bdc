"""Benchmarks: `make bench` runs every `bench_*.py` here and writes one JSON file of figures."""
