"""`make bench`: the benchmarks (not part of the product package `dorp`, not installed).

Run from the project folder: `python -m bench [--quick] [--only ...] [--skip ...]`.
bench/run.py holds the sections and the report; docs/benchmarks.md is what it writes."""
