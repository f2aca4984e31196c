"""`python -m summarize.download`: fetch the models a config needs (`summarize.tools.download`)."""

import sys

from summarize.tools.download import main

if __name__ == "__main__":
    sys.exit(main())
