"""Weight-free checks of outputs against their source.

* ``score_summary`` (faithfulness): how well the source supports each summary sentence, the
  unsupported spans (words, names, numbers) with offsets, a ``support`` score and a ``flag``.
* ``check_translation``: named flags for a translation -- ``empty``, ``wrong_language``,
  ``copy_of_source``, ``length_ratio``, ``repetition``, ``numbers``.
* ``checks.langid``: language identification; ``checks.numbers``: numbers compared by value across
  scripts and separators; ``checks.words``: word tokens with offsets and comparison keys.
"""

from summarize.checks.faithfulness import SourceIndex, index_source, score_summary
from summarize.checks.translation import FLAGS, check_translation

__all__ = ["FLAGS", "SourceIndex", "check_translation", "index_source", "score_summary"]
