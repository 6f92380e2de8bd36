from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.i18n import set_language as django_set_language


def home(request):
    """The dashboard of the member's role (thrasos/reports/dashboards.py)."""
    from thrasos.reports.views import home as dashboard

    return dashboard(request)


def module_pending(request, *, title: str):
    """Landing page of a programme module whose screens are not built yet
    (gated in the module's urls.py)."""
    return render(request, "core/module_pending.html", {"title": title})


# The language switcher must also work on the login page.
set_language = login_not_required(django_set_language)
