"""How later modules (sessions, placements, housing, mentoring) add to the
case file without this app importing them: each registers, in its
AppConfig.ready(), a source of timeline events and a section of the case
file page. Both are called with the case file and the member reading it,
after beneficiaries.selectors has checked access."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

# (beneficiary, membership) -> events {"at": datetime, "kind": str, "object": …,
# "template": the include that renders it}
TimelineSource = Callable[[object, object], Iterable[dict]]

_timeline_sources: list[TimelineSource] = []
_sections: list["CaseFileSection"] = []


@dataclass(frozen=True)
class CaseFileSection:
    template: str
    context: Callable[[object, object], dict]  # (beneficiary, membership) -> context
    order: int = 100
    # The case file's table of contents links to the section by this anchor
    # (an id unique on the page) under this short title; a section without a
    # title is shown, not listed.
    anchor: str = ""
    title: str = ""


def register_timeline_source(source: TimelineSource) -> None:
    if source not in _timeline_sources:
        _timeline_sources.append(source)


def register_case_file_section(section: CaseFileSection) -> None:
    if section not in _sections:
        _sections.append(section)
        _sections.sort(key=lambda s: s.order)


def timeline_events(beneficiary, membership) -> Iterable[dict]:
    for source in _timeline_sources:
        yield from source(beneficiary, membership)


def case_file_sections(beneficiary, membership) -> list[dict]:
    return [
        {
            "template": s.template,
            "anchor": s.anchor or f"section-{i}",
            "title": s.title,
            **s.context(beneficiary, membership),
        }
        for i, s in enumerate(_sections, start=1)
    ]
