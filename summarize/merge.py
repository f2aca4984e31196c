"""`python -m summarize.merge`: the command-line entry of `summarize.tools.merge` (kept at the top for users)."""

import sys

from summarize.tools.merge import main

if __name__ == "__main__":
    sys.exit(main())
