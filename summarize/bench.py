"""`python -m summarize.bench`: the benchmark entry of `summarize.tools.bench` (kept at the top for users)."""

from summarize.tools.bench.summarise import main

if __name__ == "__main__":
    main()
