"""`python scripts/download_models.py ...` is `python -m summarize.download ...` (kept for old
scripts and notes; the module ships in the wheel). See summarize/tools/download.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runs from a plain checkout too

from summarize.tools.download import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
