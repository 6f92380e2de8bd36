"""PostgreSQL's JIT compilation off for this database.

The planner turns JIT on for any statement it estimates as costly, and the
costly statements here (the daily sweeps over an organisation, the reports'
indicators) are many small expressions: compiling them took 8 to 35 s on the
scale data for statements that run in about 1 s without it (README,
"Reminders and notifications" and "Reports"). The database's owner (the
owner role that runs the migrations) sets the default for every new session;
where it does not own the database (some managed services), the migration
warns and leaves the setting to the operator (README, Operations)."""

from django.db import migrations

FORWARD = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'jit left as configured: % does not own the database; set jit = off for it',
        current_user;
END $$;
"""

BACKWARD = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I RESET jit', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD, elidable=False)]
