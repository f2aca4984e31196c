.PHONY: install test lint

install:
	python -m pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
	python -m pip install -e ".[dev]"

test:
	python -m pytest

lint:
	ruff check .
	ruff format --check summarize tests scripts
	mypy summarize
