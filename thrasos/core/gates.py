"""Gates: the capability a route needs, checked before anything else runs.

Pages and htmx endpoints declare theirs with the `@gate(...)` decorator, API
viewsets with a `gate = Gate(read=..., write=...)` attribute enforced by the DRF
permission class `HasCapability`. Both check the
member's role against a named capability of `thrasos.permissions` before the
view parses, validates or looks anything up, so no answer — an error message
included — can depend on data the role may not see.

A refusal is 404 on a route about one object (it must not tell an existing
object from a missing one) and 403 elsewhere (the French "access denied"
page). `tests/test_route_matrix.py` walks every route and method as every role
and fails on a tenant route that declares no gate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

if TYPE_CHECKING:
    from thrasos.accounts.models import Membership

Capability = Callable[["Membership | None"], bool]


@dataclass(frozen=True)
class Gate:
    """The capability to read (GET, HEAD, OPTIONS) and the one to write
    (POST, PUT, PATCH, DELETE). A route that declares only one of them takes
    only those methods: the others are answered 405, after the role check."""

    read: Capability | None = None
    write: Capability | None = None

    def capability(self, method: str) -> Capability | None:
        return self.read if method in SAFE_METHODS else self.write

    def admits(self, membership: Membership | None, method: str) -> bool:
        """Whether the member's role passes; for a method the route does not
        take, the role check of the route's other capability."""
        capability = self.capability(method) or self.read or self.write
        return bool(capability(membership))

    @property
    def methods(self) -> list[str]:
        return [
            *(["GET", "HEAD", "OPTIONS"] if self.read else []),
            *(["POST"] if self.write else []),
        ]


PAGE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "POST"})


def _is_about_one_object(kwargs: dict) -> bool:
    return any(key == "pk" or key.endswith("_pk") for key in kwargs)


def gate(capability: Capability | None = None, *, read=None, write=None):
    """Decorator for a page or htmx view:
    - `@gate(permissions.can_x)`: a form, every method needs can_x;
    - `@gate(read=permissions.can_x)`: a page to read (writes: 405);
    - `@gate(write=permissions.can_x)`: an action (POST only);
    - `@gate(read=..., write=...)`: both, with different capabilities."""
    declared = Gate(read or capability, write or capability)
    if declared.read is None and declared.write is None:
        raise TypeError("A gate names at least one capability.")

    def decorator(view):
        @wraps(view)
        def gated(request, *args, **kwargs):
            if not declared.admits(getattr(request, "membership", None), request.method):
                if _is_about_one_object(kwargs):
                    raise Http404
                raise PermissionDenied
            # Pages take GET and POST only (an HTML form sends nothing else).
            if declared.capability(request.method) is None or request.method not in PAGE_METHODS:
                return HttpResponseNotAllowed(declared.methods)
            return view(request, *args, **kwargs)

        gated.gate = declared
        return gated

    return decorator


def view_gate(view) -> Gate | None:
    """The gate a view declared (a function view, or a DRF view for one of
    its actions), for the route matrix and the permission class."""
    cls = getattr(view, "cls", None)
    if cls is None:
        return getattr(view, "gate", None)
    return getattr(cls, "gate", None)


class HasCapability(BasePermission):
    """The API's gate: the viewset's `gate`, checked in `initial()`, before the
    body is parsed. A view that declares no gate is refused (fail closed)."""

    def has_permission(self, request, view) -> bool:
        declared = getattr(view, "gate", None)
        if declared is not None and declared.admits(
            getattr(request, "membership", None), request.method
        ):
            return True
        if _is_about_one_object(view.kwargs):
            raise exceptions.NotFound
        return False
