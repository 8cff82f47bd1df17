"""Benchmarks: `make bench` (python -m bench). Figures go to docs/PERFORMANCE.md."""
