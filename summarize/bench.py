"""`python -m summarize.bench [--task summarise|translate|pipeline] ...`: the benchmarks of
`summarize.tools.bench` (kept at the top for users). `--help` after the task lists its options."""

import sys
from importlib import import_module

TASKS = {
    "summarise": "summarize.tools.bench.summarise",
    "summarize": "summarize.tools.bench.summarise",
    "translate": "summarize.tools.bench.translate",
    "pipeline": "summarize.tools.bench.job",
}


def main(argv: list[str]) -> None:
    task = "summarise"
    if "--task" in argv:
        at = argv.index("--task")
        if at + 1 >= len(argv) or argv[at + 1] not in TASKS:
            sys.exit(
                f"--task: choose one of summarise, translate, pipeline (got {argv[at + 1 : at + 2]})"
            )
        task = argv[at + 1]
        argv = argv[:at] + argv[at + 2 :]
    import_module(TASKS[task]).main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
