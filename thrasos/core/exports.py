"""What every spreadsheet export (CSV today, any later format) writes in its
cells."""

# A spreadsheet reads a cell starting with one of these as a formula (or, for
# tab and carriage return, may drop them and read what follows as one):
# `=HYPERLINK("http://…")` in a first name would run in the caseworker's
# spreadsheet. OWASP "CSV Injection".
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """The cell text, prefixed with a single quote when a spreadsheet would
    read it as a formula. The quote shows that the cell was altered; nothing
    else is changed (phone numbers such as +33… get the quote too: a
    spreadsheet would otherwise compute them)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


# Free-text parameters of a list: what a user typed may be a person's name, and
# the access log is append-only (an anonymisation cannot scrub it), so the log
# keeps that a search was made, not its text.
FREE_TEXT_PARAMETERS = ("q",)


def filters_for_log(query) -> str:
    """The list's filters (a QueryDict) as the access log keeps them."""
    kept = query.copy()
    for name in FREE_TEXT_PARAMETERS:
        if kept.get(name):
            kept[name] = "…"
    return kept.urlencode()
