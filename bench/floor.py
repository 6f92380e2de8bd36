"""The floor a page is compared with, measured in the same run (issue 18).

A page costs at least what the stack cannot avoid: an authenticated page
with nothing on it (`/`, full middleware stack, session, tenant, MFA gate,
base template) plus reading and rendering its own data. The latter is
measured as a *minimal rendering*: the same rows read by the ORM inside the
tenant, rendered by a bare Django template (no middleware, no HTTP, no base
template, no forms). Each page is then printed with

    ratio = page median / (empty page median + its minimal rendering median)

next to its target. The three are sampled in turns, so that the load of a
shared machine weighs on them alike. Query counts are printed for two sizes of the same page:
they must be equal (constant in the number of rows)."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock

from django.db import connection
from django.shortcuts import render
from django.template import Context, Engine
from django.test.utils import CaptureQueriesContext
from timing import RUNS

from thrasos.tenancy import tenant_context

# A bare engine: builtins only (no context processors, no i18n, no loaders).
ENGINE = Engine(debug=False, libraries={}, builtins=[])


def bare(source: str):
    """A template compiled once, as the cached loader keeps production's."""
    return ENGINE.from_string(source)


def minimal(organisation, read: Callable[[], dict], template) -> Callable[[], str]:
    """A function that reads the data inside the tenant and renders it with a
    bare template: the page's own floor."""

    def run() -> str:
        with tenant_context(organisation):
            return template.render(Context(read()))

    return run


def queries(client, url, params=None) -> int:
    client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params)
    return len(captured)


@dataclass
class Result:
    name: str
    page: float
    page_p95: float
    floor: float
    empty: float
    target: float
    queries: str = ""

    @property
    def ratio(self) -> float:
        return self.page / (self.empty + self.floor)


HEADER = (
    f"{'what':<22} {'queries':>9} {'page med':>9} {'p95':>8} {'empty':>7} {'minimal':>8} "
    f"{'ratio':>6} {'target':>7}"
)


def interleaved(*functions, runs: int = RUNS) -> list[tuple[float, float]]:
    """Median and p95 of each function, sampled in turns (a, b, c, a, b, c…)
    so that a burst of load on a shared machine hits them all alike."""
    for function in functions:
        function()  # warm-up
    samples: list[list[float]] = [[] for _ in functions]
    for _ in range(runs):
        for function, out in zip(functions, samples, strict=True):
            start = time.perf_counter()
            function()
            out.append((time.perf_counter() - start) * 1000)
    figures = []
    for out in samples:
        out.sort()
        figures.append((statistics.median(out), out[max(0, int(len(out) * 0.95) - 1)]))
    return figures


def measure(
    name: str,
    page: Callable,
    floor: Callable,
    *,
    empty: Callable,
    target: float,
    queries: str = "",
) -> Result:
    """The page, its minimal rendering and the empty page, sampled in turns;
    the ratio uses the empty page measured alongside this page."""
    response = page()
    status = getattr(response, "status_code", 200)
    if status != 200:
        raise SystemExit(f"{name}: HTTP {status}")
    (page_median, page_p95), (floor_median, _), (empty_median, _) = interleaved(page, floor, empty)
    result = Result(name, page_median, page_p95, floor_median, empty_median, target, queries)
    verdict = "ok" if result.ratio <= target else "OVER"
    print(
        f"{name:<22} {queries:>9} {page_median:8.1f}ms {page_p95:7.1f}ms "
        f"{empty_median:6.1f}ms {floor_median:7.1f}ms {result.ratio:5.2f}x "
        f"{'<= ' + str(target) + 'x':>7} {verdict}",
        flush=True,
    )
    return result


def _plain_home(request):
    return render(request, "core/home.html")


def empty_page(client) -> Callable:
    """The authenticated page with nothing on it, as a function to time.

    Since the reports module, `/` shows the dashboard of the member's role
    (the coordinator's reads the whole organisation's pipeline): timing that
    as the "empty" page would inflate the floor and flatter every ratio. The
    empty page is `/` through the whole middleware stack with the plain home
    page (core/home.html, base template, what a role without a dashboard
    sees) in place of the dashboard, for these requests only."""

    def get():
        with mock.patch("thrasos.reports.views.home", _plain_home):
            return client.get("/")

    response = get()
    if response.status_code != 200:
        raise SystemExit(f"empty page: HTTP {response.status_code}")
    if b"modules-title" not in response.content:
        raise SystemExit("empty page: the plain home page was not served")
    return get
