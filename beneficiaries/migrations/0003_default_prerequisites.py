from django.db import migrations

from thrasos.core.migrations_helpers import for_each_organisation

DEFAULTS = [
    "Protection accordée et titre de séjour valide",
    "Personne majeure isolée",
    "Domicile en Île-de-France",
    "Niveau de français minimum",
    "Mobilité géographique hors Île-de-France",
    "Inscription à France Travail",
    "Compte bancaire",
    "Couverture santé",
]


def seed(apps, schema_editor):
    """Existing organisations get the default checklist."""
    PrerequisiteItem = apps.get_model("beneficiaries", "PrerequisiteItem")

    def seed_one(organisation_id: int, alias: str) -> None:
        items = PrerequisiteItem.objects.using(alias)
        if items.filter(organisation_id=organisation_id).exists():
            return
        items.bulk_create(
            PrerequisiteItem(organisation_id=organisation_id, label=label, position=i)
            for i, label in enumerate(DEFAULTS)
        )

    for_each_organisation(apps, schema_editor, seed_one)


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0002_prerequisites_language_assessments"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
