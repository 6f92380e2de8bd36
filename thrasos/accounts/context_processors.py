from thrasos import permissions


def tenancy(request):
    membership = getattr(request, "membership", None)
    return {
        "current_membership": membership,
        "current_organisation": getattr(request, "organisation", None),
        "user_memberships": getattr(request, "memberships", []),
        "can_administer": permissions.can_administer(membership),
    }
