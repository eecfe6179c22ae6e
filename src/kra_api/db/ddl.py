"""SQL snippets the migrations share: the service role and tenant row-level security.

Kept as plain strings so that old migrations keep producing the same DDL.
"""

from __future__ import annotations

APP_ROLE = "kra_app"

# The role is cluster-wide: several databases (test workers) may race to create it.
CREATE_APP_ROLE = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kra_app') THEN
    BEGIN
      CREATE ROLE kra_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT kra_app TO %I', current_user);
  END IF;
END
$$;
"""

CURRENT_ORG_FUNCTION = """
CREATE OR REPLACE FUNCTION kra_current_org() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('app.organization_id', true), '')::uuid $$;
"""


def tenant_rls(table: str, column: str = "organization_id") -> list[str]:
    """Enable and force RLS on ``table`` with the tenant policy on ``column``."""
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {table} "
        f"USING ({column} = kra_current_org()) WITH CHECK ({column} = kra_current_org())",
    ]


def grant_app(table: str, privileges: str = "SELECT, INSERT, UPDATE, DELETE") -> str:
    """Grant the service role what it may do on ``table``."""
    return f"GRANT {privileges} ON {table} TO {APP_ROLE}"
