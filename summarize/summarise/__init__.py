"""Summarising articles: a seq2seq model with hierarchical reduction, or a weight-free method."""
