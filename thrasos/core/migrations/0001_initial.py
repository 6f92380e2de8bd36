from django.db import migrations, models


def grant(apps, schema_editor):
    from thrasos.core.db import grant_runtime_privileges, runtime_role

    role = runtime_role()
    if role is not None:
        with schema_editor.connection.cursor() as cursor:
            grant_runtime_privileges(cursor, role)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.RunPython(grant, migrations.RunPython.noop, elidable=False),
        migrations.CreateModel(
            name="ServiceHeartbeat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=50, unique=True, verbose_name="name")),
                ("last_seen", models.DateTimeField(verbose_name="last seen")),
                ("hostname", models.CharField(blank=True, max_length=255, verbose_name="host")),
            ],
            options={
                "verbose_name": "service heartbeat",
                "verbose_name_plural": "service heartbeats",
            },
        ),
    ]
