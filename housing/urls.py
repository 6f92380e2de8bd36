from django.urls import path

from housing import views

app_name = "housing"

urlpatterns = [
    path("", views.unit_list, name="index"),
    path("nouveau/", views.unit_create, name="unit_create"),
    path("tableau/", views.board, name="board"),
    path("chiffres/", views.figures, name="figures"),
    path("logements/<int:pk>/", views.unit_detail, name="unit"),
    path("logements/<int:pk>/modifier/", views.unit_edit, name="unit_edit"),
    path("logements/<int:pk>/places/", views.place_add, name="place_add"),
    path("places/<int:pk>/fermer/", views.place_close, name="place_close"),
    path("places/<int:pk>/reserver/", views.place_book, name="place_book"),
    path("occupations/<int:pk>/prolonger/", views.occupancy_extend, name="occupancy_extend"),
    path("occupations/<int:pk>/changer/", views.occupancy_move, name="occupancy_move"),
    path("occupations/<int:pk>/sortie/", views.occupancy_end, name="occupancy_end"),
    path("dossiers/<int:pk>/reserver/", views.case_file_book, name="case_file_book"),
]
