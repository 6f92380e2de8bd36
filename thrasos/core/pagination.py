"""Keyset pagination for lists that must stay fast on deep pages."""

import base64
import json
from dataclasses import dataclass

from django.db.models import Q


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None


def _encode(values) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != 2:
        return None
    return values


def _after(queryset, ordering, values, *, forward: bool):
    """Rows strictly after (or before) `values` in `ordering` (keyset)."""
    (first, second) = ordering
    descending = first.startswith("-")
    field, id_field = first.lstrip("-"), second.lstrip("-")
    greater = forward != descending
    op = "gt" if greater else "lt"
    bound = "gte" if greater else "lte"
    # The redundant bound on the first key gives PostgreSQL an index range
    # (organisation, key, id); the OR alone made deep pages scan.
    return queryset.filter(
        Q(**{f"{field}__{bound}": values[0]})
        & (
            Q(**{f"{field}__{op}": values[0]})
            | Q(**{field: values[0], f"{id_field}__{op}": values[1]})
        )
    )


def _first(queryset, ordering, limit: int, parts):
    """The first `limit` rows of queryset in `ordering`. With `parts`
    (disjoint querysets whose union is the queryset), the ids of the first
    `limit` rows of each part, merged, then those rows: one statement, in
    which PostgreSQL reads each part in order from its own index (an
    index-only scan when the index covers the conditions) and stops early,
    and reads the table for the page's rows only."""
    if not parts:
        return queryset.order_by(*ordering)[:limit]
    branches = [part.order_by(*ordering).values("pk")[:limit] for part in parts]
    rows = queryset.model._default_manager.filter(pk__in=branches[0].union(*branches[1:], all=True))
    rows.query.deferred_loading = queryset.query.deferred_loading
    return rows.order_by(*ordering)[:limit]


def keyset_page(
    queryset,
    *,
    ordering: tuple[str, str],
    keys: tuple[str, str],
    after: str | None,
    before: str | None,
    size: int = 50,
    parts: tuple = (),
) -> Page:
    """Keyset pagination: as fast on page 1,000 as on page 1 (no OFFSET, no
    COUNT). `ordering`: a key and the id ("-" for descending), backed by an
    index (organisation, key, id); `keys`: the attributes read from a row for
    the cursors. `after`/`before`: the opaque cursors of the previous page.
    `parts`: disjoint querysets whose union is the queryset, each read from
    its own index (see _first)."""
    if before and (values := _decode(before)):
        reversed_ordering = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in ordering)
        rows = list(
            _first(
                _after(queryset, ordering, values, forward=False),
                reversed_ordering,
                size + 1,
                [_after(part, ordering, values, forward=False) for part in parts],
            )
        )
        has_more = len(rows) > size
        rows = list(reversed(rows[:size]))
        return Page(
            rows=rows,
            next_cursor=_encode([getattr(rows[-1], k) for k in keys]) if rows else None,
            previous_cursor=_encode([getattr(rows[0], k) for k in keys]) if has_more else None,
        )
    values = _decode(after) if after else None
    if values:
        queryset = _after(queryset, ordering, values, forward=True)
        parts = [_after(part, ordering, values, forward=True) for part in parts]
    rows = list(_first(queryset, ordering, size + 1, parts))
    has_more = len(rows) > size
    rows = rows[:size]
    return Page(
        rows=rows,
        next_cursor=_encode([getattr(rows[-1], k) for k in keys]) if has_more else None,
        previous_cursor=_encode([getattr(rows[0], k) for k in keys]) if values and rows else None,
    )
