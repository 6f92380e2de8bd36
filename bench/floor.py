"""The floor a page is compared with, measured in the same run (issue 18).

A page costs at least what the stack cannot avoid: an authenticated page
with nothing on it (`/`, full middleware stack, session, tenant, MFA gate,
base template) plus reading and rendering its own data. The latter is
measured as a *minimal rendering*: the same rows read by the ORM inside the
tenant, rendered by a bare Django template (no middleware, no HTTP, no base
template, no forms). Each page is then printed with

    ratio = page median / (empty page median + its minimal rendering median)

next to its target. Query counts are printed for two sizes of the same page:
they must be equal (constant in the number of rows)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.template import Context, Engine
from django.test.utils import CaptureQueriesContext
from timing import timed

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
    f"{'what':<22} {'queries':>9} {'page med':>9} {'p95':>8} {'minimal':>8} "
    f"{'ratio':>6} {'target':>7}"
)


def measure(
    name: str,
    page: Callable,
    floor: Callable,
    *,
    empty: float,
    target: float,
    queries: str = "",
) -> Result:
    response = page()
    status = getattr(response, "status_code", 200)
    if status != 200:
        raise SystemExit(f"{name}: HTTP {status}")
    page_median, page_p95 = timed(page)
    floor_median, _ = timed(floor)
    result = Result(name, page_median, page_p95, floor_median, empty, target, queries)
    verdict = "ok" if result.ratio <= target else "OVER"
    print(
        f"{name:<22} {queries:>9} {page_median:8.1f}ms {page_p95:7.1f}ms "
        f"{floor_median:7.1f}ms {result.ratio:5.2f}x {'<= ' + str(target) + 'x':>7} {verdict}",
        flush=True,
    )
    return result


def empty_page(client) -> float:
    """Median of the authenticated page with nothing on it."""
    response = client.get("/")
    if response.status_code != 200:
        raise SystemExit(f"empty page: HTTP {response.status_code}")
    median, p95 = timed(lambda: client.get("/"))
    print(f"empty authenticated page `/`: {median:.1f}ms (p95 {p95:.1f}ms)\n", flush=True)
    return median
