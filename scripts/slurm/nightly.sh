#!/usr/bin/env bash
# Nightly on SLURM: N shards as one job array on GPU nodes, then one merge into the job's next version.
#   scripts/slurm/nightly.sh /data/archive/articles.jsonl /data/runs 8
set -euo pipefail
source_path=${1:?input JSONL}; root=${2:?output root}; shards=${3:-8}
last=$((shards - 1))

# The dry run first (on the login node, no GPU): every missing model named before the array
# is queued. It generates nothing and claims no version.
python -m summarize source=jsonl source.path="$source_path" '+lang=[fa,fr]' \
    output.root="$root" output.job=nightly run.dry_run=true

# Hydra's submitit launcher submits the sweep as a job array and waits for it to finish.
python -m summarize -m hydra/launcher=slurm \
    source=jsonl source.path="$source_path" '+lang=[fa,fr]' \
    runtime.device=cuda output.root="$root" output.job=nightly \
    shard.count="$shards" "shard.index=range(0,$((last + 1)))"

python -m summarize.merge job=nightly output.root="$root"
