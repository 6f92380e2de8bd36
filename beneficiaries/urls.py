from django.urls import path

from beneficiaries import views

app_name = "beneficiaries"

urlpatterns = [
    path("", views.beneficiary_list, name="index"),
    path("nouveau/", views.beneficiary_create, name="create"),
    path("export.csv", views.beneficiary_export, name="export"),
    path("export.xlsx", views.beneficiary_export, {"kind": "xlsx"}, name="export_xlsx"),
    path("<int:pk>/", views.beneficiary_detail, name="detail"),
    path("<int:pk>/synthese.pdf", views.beneficiary_summary_pdf, name="summary_pdf"),
    path("<int:pk>/modifier/", views.beneficiary_edit, name="edit"),
    path("<int:pk>/parcours/", views.beneficiary_transition, name="transition"),
    path("<int:pk>/notes/", views.case_note_add, name="note_add"),
    path("<int:pk>/territoire/", views.beneficiary_move, name="move"),
    path("<int:pk>/prerequis/", views.prerequisites_update, name="prerequisites"),
    path("<int:pk>/evaluations/", views.assessment_add, name="assessment_add"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        views.document_download,
        name="document_download",
    ),
]
