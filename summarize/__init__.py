"""summarize: multilingual summarisation and translation batch tool."""

from summarize.config import Config
from summarize.pipeline import RunResult, run
from summarize.records import Article, Chunk, Generated, RecordError

__all__ = ["Article", "Chunk", "Config", "Generated", "RecordError", "RunResult", "run"]
__version__ = "0.1.0"
