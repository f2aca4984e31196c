"""Derived views of a finished run: the Hugging Face export, its dataset card, report.html."""
