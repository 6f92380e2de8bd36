"""Reads of case files, always through the member's scope."""

from itertools import chain

from django.db.models import CharField, F, Func, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from beneficiaries import extensions
from beneficiaries.models import (
    Beneficiary,
    BeneficiaryReferent,
    CaseNote,
    PrerequisiteCheck,
    PrerequisiteItem,
    fuzzy_key,
)
from thrasos import permissions
from thrasos.accounts.models import Territory
from thrasos.core.dates import moment_of
from thrasos.core.pagination import Page, keyset_page


def beneficiaries_for(membership):
    """The case files a member may open: admins and coordinators all of the
    organisation, caseworkers those of their territories. The routes are
    gated (thrasos.core.gates); this is the scope, and a second wall:
    volunteers and managers get 404, whatever the id."""
    if not permissions.can_open_case_files(membership):
        raise Http404
    return Beneficiary.objects.in_territories(permissions.territory_ids(membership))


def beneficiary_get(membership, pk: int) -> Beneficiary:
    """404 alike for a missing record, another organisation's, or one outside
    the member's territories."""
    return get_object_or_404(
        beneficiaries_for(membership).select_related("current_territory", "referring_organisation"),
        pk=pk,
    )


def checklist(beneficiary: Beneficiary) -> list[tuple[PrerequisiteItem, PrerequisiteCheck | None]]:
    """The organisation's active prerequisites, in order, each with the
    person's check (None: never checked). Two queries."""
    checks = {c.item_id: c for c in PrerequisiteCheck.objects.filter(beneficiary=beneficiary)}
    return [(item, checks.get(item.pk)) for item in PrerequisiteItem.objects.filter(is_active=True)]


def unmet_prerequisites(
    rows: list[tuple[PrerequisiteItem, PrerequisiteCheck | None]],
) -> list[tuple[PrerequisiteItem, str]]:
    """The items of a checklist that are not met: (item, status), a status
    being "not_met" or "to_check" (never checked counts as to check)."""
    unmet = []
    for item, check in rows:
        status = check.status if check else PrerequisiteCheck.Status.TO_CHECK
        if status != PrerequisiteCheck.Status.MET:
            unmet.append((item, status))
    return unmet


def apply_filters(
    queryset, data: dict, membership=None, *, part: str = "", in_name_order: bool = False
):
    """The list's filters, for the page, the export and the API (data is a
    valid ListFilterForm's cleaned_data). "Mes dossiers": the people the
    member is a referent of. `part`, `in_name_order`: see
    Beneficiary.objects.search()."""
    queryset = queryset.search(data.get("q") or "", part=part, in_name_order=in_name_order)
    if data.get("files") == "mine" and membership is not None:
        queryset = queryset.filter(
            pk__in=BeneficiaryReferent.objects.filter(membership=membership).values(
                "beneficiary_id"
            )
        )
    if data.get("state"):
        queryset = queryset.filter(state=data["state"])
    if data.get("territory"):
        queryset = queryset.filter(current_territory=data["territory"])
    if data.get("referent"):
        queryset = queryset.filter(
            pk__in=BeneficiaryReferent.objects.filter(membership=data["referent"]).values(
                "beneficiary_id"
            )
        )
    if data.get("session"):
        # Participants and waiting list, not people removed before the start.
        queryset = queryset.filter(
            pk__in=data["session"].enrolments.exclude(status="removed").values("beneficiary_id")
        )
    return queryset


SORTS = {
    # name: (ordering fields, keys read from a row); each backed by an index
    # (organisation, key, id), read forwards or backwards.
    "name": (("search_last_first", "id"), ("search_last_first", "id")),
    "-name": (("-search_last_first", "-id"), ("search_last_first", "id")),
    "birth": (("birth_date", "id"), ("birth_date", "id")),
    "-birth": (("-birth_date", "-id"), ("birth_date", "id")),
    "recent": (("-state_changed_at", "-id"), ("state_changed_at", "id")),
    "-recent": (("state_changed_at", "id"), ("state_changed_at", "id")),
}

# What a row of the list (page and API) reads: no other column of the record.
LIST_COLUMNS = (
    "id",
    "organisation_id",
    "last_name",
    "first_name",
    "birth_date",
    "state",
    "state_changed_at",
    "search_last_first",
    "current_territory_id",
)


def list_rows(queryset):
    """The list's rows: the columns it shows. The territory is not joined: a
    join led the planner to a nested loop over the territories for broad
    searches (87 ms instead of 29 ms for 2,000 matches); label_rows() names
    the territories of a page in one small query instead."""
    return queryset.only(*LIST_COLUMNS)


def label_rows(rows) -> None:
    """Give each row of a page its link, stage label and territory name,
    worked out once per page rather than once per row in the template
    (reverse() and a lazy translation per row)."""
    if not rows:
        return
    link = rows[0].get_absolute_url().removesuffix(f"{rows[0].pk}/")
    labels = {value: str(label) for value, label in Beneficiary._meta.get_field("state").choices}
    territories = dict(
        Territory.objects.filter(pk__in={b.current_territory_id for b in rows}).values_list(
            "pk", "name"
        )
    )
    for b in rows:
        b.link = f"{link}{b.pk}/"
        b.state_label = labels.get(b.state, b.state)
        b.territory_name = territories.get(b.current_territory_id, "")


# Up to this many matches the list says how many; beyond, "more than".
COUNT_LIMIT = 1000


def fuzzy_parts(queryset, data: dict, membership=None, *, counting: bool = False) -> tuple:
    """The list filtered as apply_filters() does, in the two disjoint parts
    of a fuzzy name search: the people whose last-name-first skeleton key is
    the needle's, and the others, whose first-name-first key is. Every match
    is in one of them (fuzzy_key); the (organisation, key, name, id) indexes
    hold what the search and the usual filters read, so that each part is
    read from its index alone: walked in name order from its key index when
    the list is sorted by name (data["sort"]), collected from its skeleton
    index otherwise, and for `counting` them (count_up_to). () for another
    search."""
    if not fuzzy_key(data.get("q") or ""):
        return ()
    in_name_order = not counting and SORTS.get(data.get("sort") or "name", SORTS["name"]) in (
        SORTS["name"],
        SORTS["-name"],
    )
    return tuple(
        apply_filters(queryset, data, membership, part=part, in_name_order=in_name_order)
        for part in ("lf", "fl")
    )


def count_up_to(queryset, limit: int = COUNT_LIMIT, *, parts: tuple = ()) -> int:
    """How many rows match, counting no further than limit + 1: a bounded
    COUNT over a LIMIT subquery stays cheap on 80,000 case files, where a
    full COUNT would read them all. A fuzzy search counts its two parts
    (fuzzy_parts(..., counting=True)), each from its skeleton index."""
    if parts:
        branches = [part.order_by().values("pk")[: limit + 1] for part in parts]
        return min(branches[0].union(*branches[1:], all=True).count(), limit + 1)
    return queryset.order_by()[: limit + 1].count()


def page_ordering(queryset, *, sort: str, search: str = "", parts: tuple = ()):
    """The queryset, the ordering, the cursor keys and the parts (see
    thrasos.core.pagination.keyset_page) of one of SORTS, for a list
    searched for `search`.

    A fuzzy name search sorted by name is read in its two parts
    (fuzzy_parts), each in name order from its (organisation, key, name,
    id) index, stopping at the 51st match: "dalmeida" (2,000 matches of
    80,000 people) confirms about 51 candidates instead of all of them.
    Sorted by date of birth or by "since", each part takes its first 51
    from its skeleton index alone, which holds those dates and the id: its
    candidates are checked and sorted there (about 2,000 for "dalmeida"),
    and only the page's rows are read from the table (9.8 ms before, when
    every candidate was read from the table, 4.4 ms after, on the same slow
    machine).

    Another search sorted by name is ordered by an expression equal to the
    name (`name || ''`), not by the column: PostgreSQL then collects the
    matches through the search indexes and sorts them, instead of walking
    the whole name index in order hoping to meet 51 matches early — which it
    expects of matches spread evenly, and which took 60-75 ms for "d
    almeida" (2,500 people who sort after a third of the organisation)."""
    ordering, keys = SORTS.get(sort, SORTS["name"])
    if search and not parts and ordering[0].lstrip("-") == "search_last_first":
        descending = "-" if ordering[0].startswith("-") else ""
        queryset = queryset.alias(
            name_key=Func(
                F("search_last_first"),
                template="(%(expressions)s || '')",
                output_field=CharField(),
            )
        )
        ordering = (f"{descending}name_key", ordering[1])
    return queryset, ordering, keys, parts


def paginate(
    queryset,
    *,
    sort: str,
    after: str | None,
    before: str | None,
    size: int = 50,
    search: str = "",
    parts: tuple = (),
) -> Page:
    """The list's keyset pages, in one of SORTS, of a list searched for
    `search` (the text typed), in `parts` (fuzzy_parts) if any."""
    queryset, ordering, keys, parts = page_ordering(queryset, sort=sort, search=search, parts=parts)
    return keyset_page(
        queryset, ordering=ordering, keys=keys, after=after, before=before, size=size, parts=parts
    )


def _on_date(day, recorded_at):
    """A move happened on `day`; recorded later, it still sorts on that day."""
    return moment_of(day, recorded_at)


def visible_notes(beneficiary: Beneficiary, membership):
    """Restricted notes: their author, admins and coordinators only."""
    notes = beneficiary.notes.select_related("author")
    if permissions.sees_all_territories(membership):
        return notes
    return notes.filter(
        Q(confidentiality=CaseNote.Confidentiality.TEAM) | Q(author_id=membership.user_id)
    )


def timeline(beneficiary: Beneficiary, membership) -> list[dict]:
    """Everything that happened to the person, newest first. Later modules add
    their events here."""
    transitions = (
        {"at": t.at, "kind": "transition", "object": t}
        for t in beneficiary.transitions.select_related("actor")
    )
    moves = (
        {"at": _on_date(m.moved_on, m.at), "kind": "move", "object": m}
        for m in beneficiary.moves.select_related("from_territory", "to_territory", "actor")
    )
    notes = (
        {"at": n.at, "kind": "note", "object": n} for n in visible_notes(beneficiary, membership)
    )
    assessments = (
        {"at": _on_date(a.assessed_on, a.created_at), "kind": "assessment", "object": a}
        for a in beneficiary.assessments.all()
    )
    others = extensions.timeline_events(beneficiary, membership)
    return sorted(
        chain(transitions, moves, notes, assessments, others), key=lambda e: e["at"], reverse=True
    )
