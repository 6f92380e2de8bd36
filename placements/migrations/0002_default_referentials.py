from django.db import migrations

from thrasos.core.migrations_helpers import for_each_organisation

SECTORS = [
    "Bâtiment et travaux publics",
    "Hôtellerie-restauration",
    "Aide à la personne",
    "Transport et logistique",
    "Industrie",
    "Propreté",
    "Agriculture",
    "Commerce",
    "Santé et action sociale",
]
LEVELS = [
    (3, "Niveau 3 – CAP, BEP"),
    (4, "Niveau 4 – bac pro, BP, BT"),
    (5, "Niveau 5 – BTS, DUT"),
    (6, "Niveau 6 – bachelor, licence pro"),
    (7, "Niveau 7 – master, diplôme d’ingénieur"),
    (8, "Niveau 8 – doctorat"),
]
OPCOS = [
    "AFDAS",
    "AKTO",
    "ATLAS",
    "Constructys",
    "OCAPIAT",
    "OPCO 2i",
    "OPCO Commerce",
    "OPCO EP",
    "OPCO Mobilités",
    "OPCO Santé",
    "Uniformation",
]


def seed(apps, schema_editor):
    """Existing organisations get the default referentials."""
    Sector = apps.get_model("placements", "Sector")
    DiplomaLevel = apps.get_model("placements", "DiplomaLevel")
    Opco = apps.get_model("placements", "Opco")

    def seed_one(organisation_id: int, alias: str) -> None:
        if not Sector.objects.using(alias).filter(organisation_id=organisation_id).exists():
            Sector.objects.using(alias).bulk_create(
                Sector(organisation_id=organisation_id, name=name, position=i)
                for i, name in enumerate(SECTORS)
            )
        if not DiplomaLevel.objects.using(alias).filter(organisation_id=organisation_id).exists():
            DiplomaLevel.objects.using(alias).bulk_create(
                DiplomaLevel(organisation_id=organisation_id, level=level, name=name)
                for level, name in LEVELS
            )
        if not Opco.objects.using(alias).filter(organisation_id=organisation_id).exists():
            Opco.objects.using(alias).bulk_create(
                Opco(organisation_id=organisation_id, name=name) for name in OPCOS
            )

    for_each_organisation(apps, schema_editor, seed_one)


class Migration(migrations.Migration):
    dependencies = [("placements", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
