"""Language-aware text handling: normalisation, sentence spans, chunks that fit a model."""
