"""The database role the service runs as, apart from the role that owns the tables (PostgreSQL).

The owner (``DATABASE_URL`` of ``migrate``, ``restore`` and this command) owns every
table and the audit log's append-only triggers. The application role (``DATABASE_URL`` of the web
processes and the task worker) may read and write the records but, on the audit log, only read and
append: it has no UPDATE, DELETE or TRUNCATE there, and as it owns nothing it cannot drop, disable or
replace the triggers either. Someone holding the application's credentials cannot rewrite history.

Audit events past their retention rule (ADR 0021) are removed through one function the owner
defines, ``access_auditevent_expire(ids)``, which the application role may call: it lifts the
triggers for its own DELETE only, and only of events older than ``AUDIT_FLOOR_MONTHS`` whatever the
retention rule says (the rule is editable through the application, so the floor is the database's).

Run ``python -m iomhub db_roles --app-role NAME`` as the owner after every ``migrate`` (new tables
get the grants; it is idempotent). docs/operations.md, "Database roles".
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

AUDIT_TABLE = "access_auditevent"
AUDIT_FLOOR_MONTHS = 12
EXPIRE_FUNCTION = "access_auditevent_expire"


def _expire_function(owner: str) -> sql.Composed:
    return sql.SQL(
        """CREATE OR REPLACE FUNCTION {fn}(ids bigint[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE removed integer;
BEGIN
    ALTER TABLE {table} DISABLE TRIGGER access_auditevent_no_update;
    DELETE FROM {table} WHERE id = ANY(ids) AND occurred_at < now() - interval '{floor} months';
    GET DIAGNOSTICS removed = ROW_COUNT;
    ALTER TABLE {table} ENABLE TRIGGER access_auditevent_no_update;
    RETURN removed;
END;
$$"""
    ).format(fn=sql.Identifier(EXPIRE_FUNCTION), table=sql.Identifier(AUDIT_TABLE), floor=sql.SQL(str(AUDIT_FLOOR_MONTHS)))


def statements(app_role: str, database: str, owner: str) -> list[sql.Composable]:
    role, db = sql.Identifier(app_role), sql.Identifier(database)
    audit, fn = sql.Identifier(AUDIT_TABLE), sql.Identifier(EXPIRE_FUNCTION)
    return [
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, role),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role),
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(role),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(role),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role),
        sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {} FROM {}").format(audit, role),
        sql.SQL("REVOKE TRUNCATE, TRIGGER, REFERENCES ON ALL TABLES IN SCHEMA public FROM {}").format(role),
        _expire_function(owner),
        sql.SQL("REVOKE ALL ON FUNCTION {}(bigint[]) FROM PUBLIC").format(fn),
        sql.SQL("GRANT EXECUTE ON FUNCTION {}(bigint[]) TO {}").format(fn, role),
    ]


def apply(connection: Any, app_role: str, password: str | None = None) -> list[str]:
    """Create the role if missing (LOGIN, no other attribute), then grant; returns what was run."""
    done = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database()")
        owner, database = cursor.fetchone()
        if app_role == owner:
            raise ValueError("The application role must not be the owner of the tables")
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role])
        if cursor.fetchone() is None:
            create = sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT").format(sql.Identifier(app_role))
            if password:
                create = sql.SQL("{} PASSWORD {}").format(create, sql.Literal(password))
            cursor.execute(create)
            done.append(f"created role {app_role}")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
        if cursor.fetchone()[0]:
            raise ValueError(f"{app_role} is a superuser: a superuser can do anything, triggers or not")
        for statement in statements(app_role, database, owner):
            cursor.execute(statement)
            done.append(statement.as_string(cursor.connection).split("\n")[0])
    return done


def owns_audit(connection: Any) -> bool:
    """Whether this connection may lift the audit triggers itself (owner or superuser)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_has_role(current_user, tableowner, 'USAGE') OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
            "FROM pg_tables WHERE tablename = %s",
            [AUDIT_TABLE],
        )
        row = cursor.fetchone()
    return bool(row and row[0])
