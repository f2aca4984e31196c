"""What comes in (readers of every input format) and what is refused (screening)."""
