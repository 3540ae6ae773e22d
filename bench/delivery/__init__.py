"""The outbox under load: see `python -m bench.delivery --help` and docs/benchmarks.md."""
