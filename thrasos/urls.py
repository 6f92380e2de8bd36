from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from thrasos.core import views
from thrasos.core.health import healthz

# The Django admin logs in through allauth, so it shares its throttling and MFA.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Thrasos — administration de la plateforme"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("", include("thrasos.accounts.urls")),
    path("compte/jetons-api/", include("thrasos.apitokens.urls")),
    path("notifications/", include("thrasos.notifications.urls")),
    path("compte/", include("allauth.urls")),
    path("beneficiaires/", include("beneficiaries.urls")),
    path("sessions/", include("sessions.urls")),
    path("alternance/", include("placements.urls")),
    path("logement/", include("housing.urls")),
    path("parrainage/", include("mentoring.urls")),
    path("donnees-personnelles/", include("thrasos.privacy.urls")),
    path("rapports/", include("thrasos.reports.urls")),
    path("api/", include("thrasos.api")),
    path("plateforme/admin/", admin.site.urls),
]
