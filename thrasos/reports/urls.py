from django.urls import path

from thrasos.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("indicateurs/", views.indicators_page, name="indicators"),
    path("indicateurs/export.<str:kind>", views.aggregates_export, name="export"),
    path("<int:pk>/statut/", views.report_status, name="status"),
    path("<int:pk>/pdf/", views.report_download, name="download"),
]
