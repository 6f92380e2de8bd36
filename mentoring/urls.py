from django.urls import path
from django.utils.translation import gettext_lazy as _

from thrasos import permissions
from thrasos.core.gates import gate
from thrasos.core.views import module_pending

app_name = "mentoring"

urlpatterns = [
    path(
        "",
        gate(read=permissions.can_use_mentoring)(module_pending),
        {"title": _("Mentoring")},
        name="index",
    ),
]
