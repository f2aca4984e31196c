"""Translation: family quirks per language pair (directions) and the translators."""
