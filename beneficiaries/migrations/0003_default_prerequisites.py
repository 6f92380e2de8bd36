from django.db import migrations

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
    """Existing organisations get the default checklist. Row-level security is
    forced, so each organisation is entered in turn (TENANCY.md, pitfall 5)."""
    # Through the migrating connection (the owner role): "default" is the
    # runtime role, which has no rights on the tables until after migrate.
    alias = schema_editor.connection.alias
    Organisation = apps.get_model("accounts", "Organisation")
    PrerequisiteItem = apps.get_model("beneficiaries", "PrerequisiteItem")
    with schema_editor.connection.cursor() as cursor:
        for organisation in Organisation.objects.using(alias).all():
            cursor.execute(
                "SELECT set_config('app.organisation_id', %s, true)", [str(organisation.pk)]
            )
            items = PrerequisiteItem.objects.using(alias)
            if items.filter(organisation_id=organisation.pk).exists():
                continue
            items.bulk_create(
                PrerequisiteItem(organisation_id=organisation.pk, label=label, position=i)
                for i, label in enumerate(DEFAULTS)
            )
        cursor.execute("SELECT set_config('app.organisation_id', '', true)")


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0002_prerequisites_language_assessments"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
