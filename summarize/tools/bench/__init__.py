"""Benchmarks: `python -m summarize.bench` (summarisation speed), `python -m summarize.tools.bench.streaming`."""
