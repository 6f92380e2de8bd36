from django.urls import path

from thrasos.accounts import views

urlpatterns = [
    path("organisation/", views.organisation_home, name="organisation_home"),
    path("organisation/territoires/nouveau/", views.territory_edit, name="territory_create"),
    path("organisation/territoires/<int:pk>/", views.territory_edit, name="territory_edit"),
    path("organisation/membres/<int:pk>/", views.member_edit, name="member_edit"),
    path(
        "organisation/membres/<int:pk>/desactiver/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "organisation/membres/<int:pk>/reactiver/",
        views.member_set_active,
        {"active": True},
        name="member_reactivate",
    ),
    path("organisation/invitations/nouvelle/", views.invitation_create, name="invitation_create"),
    path(
        "organisation/invitations/<int:pk>/retirer/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("organisation/choisir/", views.organisation_switch, name="organisation_switch"),
    path("compte/double-authentification-requise/", views.mfa_required, name="mfa_required"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
