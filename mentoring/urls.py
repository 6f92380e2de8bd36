from django.urls import path

from mentoring import views

app_name = "mentoring"

urlpatterns = [
    path("", views.index, name="index"),
    path("binomes/<int:pk>/", views.mentee, name="mentee"),
    path("binomes/<int:pk>/compte-rendu/", views.note_create, name="note_create"),
    path("comptes-rendus/<int:pk>/corriger/", views.note_edit, name="note_edit"),
    path("alertes/", views.alerts, name="alerts"),
    path("alertes/<int:pk>/prise-en-compte/", views.alert_acknowledge, name="alert_acknowledge"),
    path("benevoles/", views.volunteers, name="volunteers"),
    path("benevoles/<int:pk>/profil/", views.volunteer_profile, name="volunteer_profile"),
    path("benevoles/<int:pk>/relance/", views.nudge, name="nudge"),
    path("personnes/<int:pk>/binome/", views.mentorship_create, name="mentorship_create"),
    path("binomes/<int:pk>/statut/", views.mentorship_status, name="mentorship_status"),
    path("reglages/", views.settings_edit, name="settings"),
]
