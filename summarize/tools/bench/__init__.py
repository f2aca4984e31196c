"""Benchmarks: `python -m summarize.bench` (summarisation speed), `python -m summarize.tools.bench.streaming`,
`python -m summarize.tools.bench.frank` (faithfulness vs FRANK's human judgements) and
`python -m summarize.tools.bench.translation` (translation checks on human references)."""
