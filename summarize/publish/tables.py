"""Metric tables for the report and the dataset card: metrics.json rendered generically.

Any nested mapping of numbers becomes tables, so new metric keys show up without code changes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# A dict is one table cell (not a row) when it is an estimate with an interval, e.g.
# {"mean": 0.4, "ci_low": 0.3, "ci_high": 0.5} or {"score": 41.2, "ci95": [40.1, 42.3]}.
_CENTRES = ("mean", "score", "value", "median", "estimate")
_INTERVAL_EXTRAS = frozenset({"n", "std", "stderr", "level", "bootstrap", "seed"})
_TITLES = {
    "summary": "Summaries, per source language",
    "translation": "Translations, per target language",
    "baseline": "Lead-k baseline",
    "reference_free": "Reference-free statistics",
}


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]


def _is_interval(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    centre = [k for k in _CENTRES if k in value]
    bounds = ("ci_low" in value and "ci_high" in value) or ("low" in value and "high" in value)
    listed = [k for k in ("ci95", "ci") if isinstance(value.get(k), list | tuple)]
    extras = set(value) - {*centre, "ci_low", "ci_high", "low", "high", "ci95", "ci"}
    return len(centre) == 1 and (bounds or bool(listed)) and extras <= _INTERVAL_EXTRAS


def _is_cell(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return all(not isinstance(v, dict | list | tuple) for v in value)
    return not isinstance(value, dict) or _is_interval(value)


def fmt(value: Any) -> str:
    """One table cell as text (escaping is the caller's: HTML autoescape or markdown)."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 1000 else f"{value:.4g}"
    if isinstance(value, list | tuple):
        shown = ", ".join(fmt(v) for v in value[:12])
        return f"[{shown}{', …' if len(value) > 12 else ''}]"
    if isinstance(value, dict):
        if _is_interval(value):
            centre = next(value[k] for k in _CENTRES if k in value)
            low, high = (
                (value["ci_low"], value["ci_high"])
                if "ci_low" in value
                else (value["low"], value["high"])
                if "low" in value
                else tuple(value.get("ci95") or value["ci"])
            )
            return f"{fmt(centre)} [{fmt(low)}, {fmt(high)}]"
        return json.dumps(value, ensure_ascii=False)[:200]
    return str(value)


def _title(path: tuple[str, ...]) -> str:
    head = path[0]
    name = _TITLES.get(head) or (
        f"Lead-k baseline ({head})" if head.startswith("baseline") else head
    )
    return name + "".join(f" / {p}" for p in path[1:])


def _split(node: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(cells, sub-tables) of a dict; empty dicts are dropped, odd values shown as cells."""
    subs = {k: v for k, v in node.items() if isinstance(v, dict) and v and not _is_cell(v)}
    cells = {k: v for k, v in node.items() if k not in subs and v != {}}
    return cells, subs


def _tables(node: Mapping[str, Any], path: tuple[str, ...]) -> list[Table]:
    """A node's own cells as a key/value table; its sub-dicts as ONE table (a row each, their
    cells as columns: languages x statistics); then each sub-dict's own sub-dicts, recursively."""
    cells, subs = _split(node)
    shown = {k: v for k, v in cells.items() if v is not None}  # a lone "–" row says nothing
    tables = (
        [Table(_title(path), ["value"], [(k, [fmt(v)]) for k, v in shown.items()])] if shown else []
    )
    rows = {name: _split(sub)[0] for name, sub in subs.items()}
    columns = list(dict.fromkeys(k for row in rows.values() for k in row))
    if columns:
        cells_of = [(name, [fmt(row.get(c)) for c in columns]) for name, row in rows.items()]
        tables.append(Table(_title(path), columns, cells_of))
    for name, sub in subs.items():
        own, children = _split(sub)
        if not own:  # nothing shown yet: its children become the rows of its own table
            tables.extend(_tables(sub, (*path, name)))
            continue
        for key, grandchild in children.items():
            tables.extend(_tables(grandchild, (*path, name, key)))
    return tables


def metric_tables(metrics: Mapping[str, Any], skip: tuple[str, ...] = ()) -> list[Table]:
    """Every nested numeric table of metrics.json: a dict of flat dicts is one table (rows x
    columns); deeper dicts recurse with a path title; scalars become a key/value table."""
    tables: list[Table] = []
    loose = {k: v for k, v in metrics.items() if k not in skip and _is_cell(v)}
    if loose:
        tables.append(Table("Other", ["value"], [(k, [fmt(v)]) for k, v in loose.items()]))
    for key, value in metrics.items():
        if key not in skip and isinstance(value, dict) and not _is_cell(value):
            tables.extend(_tables(value, (key,)))
    return tables


def find_key(node: Any, key: str) -> list[tuple[str, Any]]:
    """(path, value) of every ``key`` anywhere in a nested document (e.g. wrong_language)."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                found.append((k, v))
            found.extend((f"{k}.{p}", x) for p, x in find_key(v, key))
    return found
