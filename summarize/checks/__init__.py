"""Weight-free checks of outputs: language identification (faithfulness and translation checks)."""
