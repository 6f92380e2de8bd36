from django.urls import path

from thrasos.privacy import views

app_name = "privacy"

urlpatterns = [
    path("registre/", views.register, name="register"),
    path("conservation/", views.retention, name="retention"),
    path("personnes/<int:pk>/", views.person, name="person"),
    path("personnes/<int:pk>/notice/", views.notice_add, name="notice_add"),
    path("personnes/<int:pk>/export/", views.export_request, name="export_request"),
    path(
        "personnes/<int:pk>/export/<int:export_pk>/",
        views.export_download,
        name="export_download",
    ),
    path("personnes/<int:pk>/conserver/", views.hold_add, name="hold_add"),
    path("personnes/<int:pk>/anonymiser/", views.anonymise, name="anonymise"),
]
