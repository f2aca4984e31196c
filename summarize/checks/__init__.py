"""Weight-free checks of outputs against their source.

* ``checks.faithfulness.score_summary``: how well the source supports each summary sentence, the
  unsupported spans (words, names, numbers) with offsets, a ``support`` score and a ``flag``.
* ``checks.translation.check_translation``: named flags for a translation -- ``empty``,
  ``wrong_language``, ``copy_of_source``, ``length_ratio``, ``repetition``, ``numbers``.
* ``checks.langid``: language identification; ``checks.numbers``: numbers compared by value across
  scripts and separators; ``checks.words``: word tokens with offsets and comparison keys;
  ``checks.rarity``: how rare a word is in its language (its weight in the faithfulness support).

Nothing is imported here: ``checks.langid`` is imported on hot paths and must stay cheap.
"""
