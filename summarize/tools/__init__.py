"""Tools beside the runtime: scoring, merging shards, benchmarks, tiny models. Nothing imports them."""
