from django.urls import path

from . import views

app_name = "placements"

urlpatterns = [
    path("", views.directory, name="index"),
    path("employeurs/nouveau/", views.employer_create, name="employer_create"),
    path("employeurs/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("employeurs/<int:pk>/modifier/", views.employer_edit, name="employer_edit"),
    path("organismes/nouveau/", views.training_create, name="training_create"),
    path("organismes/<int:pk>/", views.training_detail, name="training_detail"),
    path("organismes/<int:pk>/modifier/", views.training_edit, name="training_edit"),
    path("contrats/", views.contract_list, name="contracts"),
    path("contrats/export.csv", views.contract_export, name="contracts_export"),
    path(
        "contrats/export.xlsx",
        views.contract_export,
        {"kind": "xlsx"},
        name="contracts_export_xlsx",
    ),
    path("personnes/<int:pk>/projet/", views.project_create, name="project_create"),
    path("projets/<int:pk>/modifier/", views.project_edit, name="project_edit"),
    path("projets/<int:pk>/valider/", views.project_validate, name="project_validate"),
    path("projets/<int:pk>/abandonner/", views.project_abandon, name="project_abandon"),
    path("personnes/<int:pk>/contrat/", views.contract_create, name="contract_create"),
    path("contrats/<int:pk>/modifier/", views.contract_edit, name="contract_edit"),
    path("contrats/<int:pk>/demarrer/", views.contract_start, name="contract_start"),
    path("contrats/<int:pk>/rompre/", views.contract_break, name="contract_break"),
    path("contrats/<int:pk>/terminer/", views.contract_complete, name="contract_complete"),
    path("contrats/<int:pk>/resultat/", views.contract_result, name="contract_result"),
    path("suivis/<int:pk>/", views.follow_up_record, name="follow_up_record"),
    path("referentiels/", views.referentials, name="referentials"),
    path("referentiels/secteurs/nouveau/", views.sector_create, name="sector_create"),
    path("referentiels/secteurs/<int:pk>/", views.sector_edit, name="sector_edit"),
    path("referentiels/niveaux/<int:pk>/", views.diploma_level_edit, name="diploma_level_edit"),
    path("referentiels/opco/nouveau/", views.opco_create, name="opco_create"),
    path("referentiels/opco/<int:pk>/", views.opco_edit, name="opco_edit"),
]
