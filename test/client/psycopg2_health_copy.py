"""psycopg2: bulk COPY of health signals into mreg.health_signal as a
contributor (doc/deployments.md): 10,000 rows over two days in one
copy_expert, visible through mreg.health and mreg.health_rollup; a row for a
deployment of a project the contributor may not write is refused (42501)
and the whole COPY with it."""
import io
import os
import sys
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import check, cleanup, finish, fresh_database  # noqa: E402

import psycopg2  # noqa: E402

DB = "mreg_client_copy"
ROLES = [("copy_client_pipeline", "mreg_contributor")]
N = 10000


def main():
    db = fresh_database(DB, ROLES)
    try:
        cur = db.cursor()
        for p in ("serving", "elsewhere"):
            cur.execute("SELECT mreg.create_project(%s)", (p,))
            cur.execute("SELECT mreg.register_model_version(%s, 'ranker', '1.0.0')", (p,))
            cur.execute("SELECT mreg.promote(%s, 'ranker', '1.0.0', 'staging')", (p,))
        cur.execute("SELECT mreg.grant_access('serving', 'copy_client_pipeline', 'contribute')")
        cur.execute("""SELECT d.id, p.name FROM mreg.deployment d JOIN mreg.project p ON p.id = d.project_id""")
        dep = {name: i for i, name in cur.fetchall()}
        start = datetime(2026, 3, 1, tzinfo=timezone.utc)
        cur.execute("SELECT mreg.create_health_partitions('2026-03-01', '2026-03-02')")

        pipe = psycopg2.connect(dbname=DB, user="copy_client_pipeline")
        pcur = pipe.cursor()
        buf = io.StringIO()
        for k in range(N):
            at = start + timedelta(seconds=17 * k)
            buf.write("%d\t%s\t%.1f\t%.1f\t%.1f\t%.4f\t%.2f\t%d\n"
                      % (dep["serving"], at.isoformat(), 40 + k % 7, 120 + k % 13, 300 + k % 29,
                         (k % 100) / 10000.0, 1 + (k % 5) / 10.0, 200 + k % 50))
        buf.seek(0)
        pcur.copy_expert("COPY mreg.health_signal (deployment_id, at, latency_p50_ms, latency_p95_ms, latency_p99_ms,"
                         " error_rate, cpu, rps) FROM STDIN", buf)
        check(pcur.rowcount == N, "COPY of %d signals as a contributor (rowcount %d)" % (N, pcur.rowcount))
        pipe.commit()
        pcur.execute("SELECT count(*), min(at), max(at) FROM mreg.health WHERE deployment_id = %s", (dep["serving"],))
        n, lo, hi = pcur.fetchone()
        check(n == N and lo == start and hi == start + timedelta(seconds=17 * (N - 1)),
              "all of them readable through mreg.health (%d, %s .. %s)" % (n, lo, hi))
        pcur.execute("SELECT sum(samples) FROM mreg.health_rollup(%s, '1 hour', '2026-03-01', '2026-03-03')", (dep["serving"],))
        check(pcur.fetchone()[0] == N, "and through the hourly rollup")
        try:
            pcur.execute("SELECT count(*) FROM mreg.health_signal")
            check(False, "the table itself is not readable")
        except psycopg2.Error as e:
            check(e.pgcode == "42501", "the table itself is not readable (%s)" % e.pgcode)
        pipe.rollback()

        # another project's deployment: the whole COPY is refused
        buf = io.StringIO("%d\t2026-03-01 00:00:00+00\t1\n%d\t2026-03-01 00:00:00+00\t1\n" % (dep["serving"], dep["elsewhere"]))
        try:
            pcur.copy_expert("COPY mreg.health_signal (deployment_id, at, rps) FROM STDIN", buf)
            check(False, "a row for another project's deployment is refused")
        except psycopg2.Error as e:
            check(e.pgcode == "42501", "a row for another project's deployment is refused (%s)" % e.pgcode)
        pipe.rollback()
        pcur.execute("SELECT count(*) FROM mreg.health WHERE deployment_id = %s", (dep["serving"],))
        check(pcur.fetchone()[0] == N, "and none of its rows landed")
        pipe.close()
    finally:
        db.close()
        cleanup(DB, ROLES)
    finish()


if __name__ == "__main__":
    main()
