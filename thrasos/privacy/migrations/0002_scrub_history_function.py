"""The one path that may change change-history rows: privacy_scrub_history,
a SECURITY DEFINER function owned by the owner role (this migration runs as
the owner). The runtime role keeps no UPDATE or DELETE on the history tables
(thrasos.core.rls); it may only EXECUTE this function, which:

- refuses unless the anonymisation it names is pending, in the current
  organisation, and was started by the very transaction calling it;
- only touches a pghistory event table of a tenant table (<table>event with
  pgh_obj_id), rows of the current organisation (row-level security binds the
  owner too: FORCE), and columns that exist in both tables and are not ids;
- writes nothing of its own: each event of a live row takes the row's current
  (already anonymised) values; events of a row deleted since get NULL, '' or
  an empty array (a NOT NULL date or number cannot be blanked: the call then
  fails, rather than leave it);
- records each call in privacy_historyscrub, which the runtime role cannot
  write."""

from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION privacy_scrub_history(
    p_anonymisation bigint,
    p_event_table text,
    p_live_table text,
    p_columns text[],
    p_obj_ids bigint[]
) RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
    v_org bigint := NULLIF(current_setting('app.organisation_id', true), '')::bigint;
    v_col text;
    v_set_live text := '';
    v_set_gone text := '';
    v_blank text;
    v_type text;
    v_nullable text;
    v_rows integer := 0;
    v_more integer := 0;
BEGIN
    IF v_org IS NULL THEN
        RAISE EXCEPTION 'privacy_scrub_history: no organisation' USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM 1 FROM privacy_anonymisation
     WHERE id = p_anonymisation AND organisation_id = v_org AND status = 'pending'
       AND transaction_id = txid_current();
    IF NOT FOUND THEN
        RAISE EXCEPTION 'privacy_scrub_history: no anonymisation pending in this transaction'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_event_table <> p_live_table || 'event' OR NOT EXISTS (
        SELECT 1 FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = p_event_table
           AND column_name = 'pgh_obj_id'
    ) OR NOT EXISTS (
        SELECT 1 FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = p_live_table
           AND column_name = 'organisation_id'
    ) THEN
        RAISE EXCEPTION 'privacy_scrub_history: % is not the history of a tenant table', p_event_table
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF coalesce(array_length(p_columns, 1), 0) = 0 OR coalesce(array_length(p_obj_ids, 1), 0) = 0 THEN
        RETURN 0;
    END IF;
    FOREACH v_col IN ARRAY p_columns LOOP
        IF v_col IN ('id', 'organisation_id') OR v_col LIKE 'pgh\_%' THEN
            RAISE EXCEPTION 'privacy_scrub_history: column % may not be scrubbed', v_col
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        SELECT c.data_type, c.is_nullable INTO v_type, v_nullable
          FROM information_schema.columns c
         WHERE c.table_schema = 'public' AND c.table_name = p_event_table AND c.column_name = v_col;
        IF NOT FOUND OR NOT EXISTS (
            SELECT 1 FROM information_schema.columns
             WHERE table_schema = 'public' AND table_name = p_live_table AND column_name = v_col
        ) THEN
            RAISE EXCEPTION 'privacy_scrub_history: no column % in %', v_col, p_event_table
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        v_blank := CASE
            WHEN v_nullable = 'YES' THEN 'NULL'
            WHEN v_type = 'ARRAY' THEN '''{}'''
            WHEN v_type IN ('character varying', 'text', 'character') THEN ''''''
            -- No blank for a NOT NULL date or number: the update of a deleted
            -- row's events then fails loudly (not-null violation) rather than
            -- leaving the value.
            ELSE 'NULL'
        END;
        v_set_live := v_set_live || CASE WHEN v_set_live = '' THEN '' ELSE ', ' END
            || format('%I = l.%I', v_col, v_col);
        v_set_gone := v_set_gone || CASE WHEN v_set_gone = '' THEN '' ELSE ', ' END
            || format('%I = %s', v_col, v_blank);
    END LOOP;
    EXECUTE format(
        'UPDATE %I e SET %s FROM %I l WHERE l.id = e.pgh_obj_id AND e.pgh_obj_id = ANY($1)'
        ' AND e.organisation_id = $2',
        p_event_table, v_set_live, p_live_table
    ) USING p_obj_ids, v_org;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    EXECUTE format(
        'UPDATE %I e SET %s WHERE e.pgh_obj_id = ANY($1) AND e.organisation_id = $2'
        ' AND NOT EXISTS (SELECT 1 FROM %I l WHERE l.id = e.pgh_obj_id)',
        p_event_table, v_set_gone, p_live_table
    ) USING p_obj_ids, v_org;
    GET DIAGNOSTICS v_more = ROW_COUNT;
    INSERT INTO privacy_historyscrub
        (organisation_id, anonymisation_id, event_table, columns, rows, at, db_user)
    VALUES
        (v_org, p_anonymisation, p_event_table, array_to_string(p_columns, ','),
         v_rows + v_more, now(), session_user);
    RETURN v_rows + v_more;
END;
$$;
REVOKE ALL ON FUNCTION privacy_scrub_history(bigint, text, text, text[], bigint[]) FROM PUBLIC;
"""

REVERSE = "DROP FUNCTION IF EXISTS privacy_scrub_history(bigint, text, text, text[], bigint[]);"


def grant(apps, schema_editor):
    from psycopg import sql

    from thrasos.core.db import runtime_role

    role = runtime_role()
    if role is None:
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            sql.SQL(
                "GRANT EXECUTE ON FUNCTION "
                "privacy_scrub_history(bigint, text, text, text[], bigint[]) TO {}"
            ).format(sql.Identifier(role))
        )
        # Written by the function only: the runtime role reads it.
        cursor.execute(
            sql.SQL(
                "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON privacy_historyscrub FROM {}"
            ).format(sql.Identifier(role))
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [
        migrations.RunSQL(SQL, REVERSE),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
