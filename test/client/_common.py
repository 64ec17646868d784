"""Shared set-up of the client tests (test/client/*.py): a fresh database
with mreg per test, and login roles that are dropped again.  The private
cluster of make test is reached through PGHOST/PGPORT/PGUSER (a superuser)."""
import os
import sys

import psycopg2

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAILURES = []


def check(cond, what):
    print(("ok - " if cond else "not ok - ") + what, flush=True)
    if not cond:
        FAILURES.append(what)


def admin_conn(dbname="postgres"):
    c = psycopg2.connect(dbname=dbname)
    c.autocommit = True
    return c


def fresh_database(name, roles=()):
    """Creates database NAME with mreg and the roles (LOGIN, members of a
    group role; dropped first if a failed run left them); returns a
    superuser connection to it."""
    c = admin_conn()
    cur = c.cursor()
    cur.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
    for r in roles:
        drop_role(cur, r[0])
    cur.execute('CREATE DATABASE "%s"' % name)
    c.close()
    db = admin_conn(name)
    cur = db.cursor()
    cur.execute("SET client_min_messages = warning")
    cur.execute("CREATE EXTENSION mreg CASCADE")          # creates the group roles if absent
    for r, group in roles:
        cur.execute('CREATE ROLE "%s" LOGIN IN ROLE %s' % (r, group))
    return db


def drop_role(cur, role):
    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
    if cur.fetchone():
        cur.execute('DROP ROLE "%s"' % role)


def cleanup(name, roles=()):
    c = admin_conn()
    cur = c.cursor()
    cur.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
    for r in roles:
        drop_role(cur, r[0])
    c.close()


def finish():
    if FAILURES:
        print("%d failed: %s" % (len(FAILURES), "; ".join(FAILURES)), flush=True)
        sys.exit(1)
    print("all passed", flush=True)
    sys.exit(0)
