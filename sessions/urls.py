from django.urls import path

from sessions import views

app_name = "sessions"

urlpatterns = [
    path("", views.session_list, name="index"),
    path("nouvelle/", views.session_create, name="create"),
    path("aujourdhui/", views.attendance_today, name="today"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/modifier/", views.session_edit, name="edit"),
    path("<int:pk>/statut/", views.session_status, name="status"),
    path("<int:pk>/inscrire/", views.enrolment_create, name="enrol"),
    path("<int:pk>/activites/nouvelle/", views.activity_create, name="activity_create"),
    path("<int:pk>/activites/serie/", views.series_create, name="series_create"),
    path("<int:pk>/presences/", views.attendance_grid, name="grid"),
    path("<int:pk>/calendrier.ics", views.session_ical, name="ical"),
    path("<int:pk>/emargement.pdf", views.signin_sheet_week, name="signin_sheet_week"),
    path("inscriptions/<int:pk>/fin/", views.enrolment_end, name="enrolment_end"),
    path("inscriptions/<int:pk>/promouvoir/", views.enrolment_promote, name="enrolment_promote"),
    path("inscriptions/<int:pk>/retirer/", views.enrolment_remove, name="enrolment_remove"),
    path("inscriptions/<int:pk>/attente/", views.enrolment_reorder, name="enrolment_reorder"),
    path("activites/<int:pk>/", views.attendance, name="attendance"),
    path("activites/<int:pk>/emargement.pdf", views.signin_sheet, name="signin_sheet"),
    path("activites/<int:pk>/modifier/", views.activity_edit, name="activity_edit"),
    path("activites/<int:pk>/annuler/", views.activity_cancel, name="activity_cancel"),
    path("activites/<int:pk>/retablir/", views.activity_restore, name="activity_restore"),
]
