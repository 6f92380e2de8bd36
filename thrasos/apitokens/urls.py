from django.urls import path

from thrasos.apitokens import views

urlpatterns = [
    path("", views.token_list, name="api_token_list"),
    path("nouveau/", views.token_create, name="api_token_create"),
    path("<int:pk>/revoquer/", views.token_revoke, name="api_token_revoke"),
]
