"""Generation: loading checkpoints, and running them with transformers (torch) or CTranslate2."""
