from django.urls import path

from thrasos.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.open_notification, name="open"),
    path("<int:pk>/lue/", views.mark_read, name="read"),
    path("tout-lu/", views.mark_all_read, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("automatisations/", views.options, name="options"),
]
