"""`python -m summarize.export`: the command-line entry of `summarize.publish.export` (kept at the top for users)."""

import sys

from summarize.publish.export import main

if __name__ == "__main__":
    sys.exit(main())
