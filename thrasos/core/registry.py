"""What the programme's modules add to the platform, registered by each
module in its AppConfig.ready(): the platform (thrasos/) never imports a
module (`make quality` checks it with import-linter). Case-file sections and
timeline events have their own registry in beneficiaries/extensions.py.

- API viewsets: `register_api("prefix", ViewSet, basename="x")`, served by
  the /api/ router (thrasos/api.py);
- organisation defaults: `register_organisation_defaults(fn)`, fn(organisation)
  run inside the new organisation's tenant when it is created;
- demo data: `register_demo_step(fn, order=…)`, fn(DemoContext) run in order
  inside each demo organisation, and `register_scale_seeder(fn)` for the
  benchmark's bulk data (`seed_demo --scale`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ApiRoute:
    prefix: str
    viewset: type
    basename: str


@dataclass
class DemoContext:
    """One demo organisation, as its steps see it (inside its tenant)."""

    organisation: Any
    actor: Any  # the user the demo writes as
    territories: list
    caseworkers: list  # memberships
    count: int  # how many case files the organisation gets
    seed: int  # random seed, stable per organisation
    # What one step leaves for a later one (e.g. people waiting for a session).
    shared: dict = field(default_factory=dict)


_api_routes: list[ApiRoute] = []
_organisation_defaults: list[Callable[[Any], None]] = []
_demo_steps: list[tuple[int, Callable[[DemoContext], int | None]]] = []
_scale_seeders: list[Callable[..., None]] = []


def register_api(prefix: str, viewset: type, *, basename: str) -> None:
    route = ApiRoute(prefix, viewset, basename)
    if route not in _api_routes:
        _api_routes.append(route)


def api_routes() -> list[ApiRoute]:
    return list(_api_routes)


def register_organisation_defaults(fn: Callable[[Any], None]) -> None:
    if fn not in _organisation_defaults:
        _organisation_defaults.append(fn)


def organisation_defaults() -> list[Callable[[Any], None]]:
    return list(_organisation_defaults)


def register_demo_step(fn: Callable[[DemoContext], int | None], *, order: int) -> None:
    """fn(context) may return how many case files it created."""
    if all(fn is not registered for _, registered in _demo_steps):
        _demo_steps.append((order, fn))
        _demo_steps.sort(key=lambda step: step[0])


def demo_steps() -> list[Callable[[DemoContext], int | None]]:
    return [fn for _, fn in _demo_steps]


def register_scale_seeder(fn: Callable[..., None]) -> None:
    """fn(total=…, organisations=…, stdout=…): bulk data for benchmarks."""
    if fn not in _scale_seeders:
        _scale_seeders.append(fn)


def scale_seeders() -> list[Callable[..., None]]:
    return list(_scale_seeders)
