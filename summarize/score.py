"""`python -m summarize.score`: the command-line entry of `summarize.tools.score` (kept at the top for users)."""

import sys

from summarize.tools.score import main

if __name__ == "__main__":
    sys.exit(main())
