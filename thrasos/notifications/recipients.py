"""SQL fragments naming who receives a reminder, for the kinds' queries.

Each is a subquery of `accounts_membership.id` (active members, active users),
meant for `CROSS JOIN LATERAL (…) AS r(recipient_id)`. The person-based rule
("the person's referents, else the territory's caseworkers") needs the case
file's referents and lives with them: beneficiaries/reminders.py."""

ACTIVE_MEMBER = (
    "m.is_active AND EXISTS (SELECT 1 FROM accounts_user u WHERE u.id = m.user_id AND u.is_active)"
)


def coordinators() -> str:
    """The organisation's coordinators (they see every territory): session matters."""
    return (
        "SELECT m.id FROM accounts_membership m "
        "WHERE m.organisation_id = %(organisation_id)s AND m.role = 'coordinator' "
        f"AND {ACTIVE_MEMBER}"
    )


def active_members() -> str:
    """Ids of the organisation's active members with an active account."""
    return (
        "SELECT m.id FROM accounts_membership m "
        "JOIN accounts_user u ON u.id = m.user_id AND u.is_active "
        "WHERE m.organisation_id = %(organisation_id)s AND m.is_active"
    )


def caseworkers_by_territory() -> str:
    """(territory_id, ids): the active caseworkers of each territory, computed
    once per query and joined by territory (not a subquery per row)."""
    return (
        "SELECT mt.territory_id, array_agg(m.id ORDER BY m.id) AS ids "
        "FROM accounts_membershipterritory mt "
        "JOIN accounts_membership m ON m.id = mt.membership_id "
        "JOIN accounts_user u ON u.id = m.user_id AND u.is_active "
        "WHERE mt.organisation_id = %(organisation_id)s "
        "AND m.organisation_id = %(organisation_id)s AND m.role = 'caseworker' AND m.is_active "
        "GROUP BY mt.territory_id"
    )


def caseworkers_of(territory_column: str) -> str:
    """Caseworkers bound to the territory in `territory_column`."""
    return (
        "SELECT m.id FROM accounts_membership m "
        "JOIN accounts_membershipterritory mt ON mt.membership_id = m.id "
        f"AND mt.territory_id = {territory_column} "
        "WHERE m.organisation_id = %(organisation_id)s AND m.role = 'caseworker' "
        f"AND {ACTIVE_MEMBER}"
    )
