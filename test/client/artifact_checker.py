"""The artifact checker (src/worker/artifact_checker.py) end to end, with
real files: it hears artifact.added on the event stream, checks the file and
records ok; the file changes on disk and a recheck records
checksum_mismatch; the file is deleted and it records missing.  The policy
rule artifacts_checked follows: production only while the file is ok."""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import ROOT, check, cleanup, finish, fresh_database  # noqa: E402

import psycopg2  # noqa: E402

DB = "mreg_client_artifacts"
ROLES = [("ac_client_checker", "mreg_contributor")]
WORKER = os.path.join(ROOT, "src", "worker", "artifact_checker.py")


def wait_status(cur, artifact_id, want, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        cur.execute("SELECT check_status FROM mreg.artifact_status WHERE id = %s", (artifact_id,))
        got = cur.fetchone()[0]
        if got == want:
            return got
        time.sleep(0.2)
    return got


def main():
    db = fresh_database(DB, ROLES)
    tmp = tempfile.mkdtemp(prefix="mreg-artifacts-")
    worker = None
    try:
        cur = db.cursor()
        path = os.path.join(tmp, "model weights.onnx")          # a space: the URI is percent-encoded
        data = b"\x08\x01" + os.urandom(4096)
        with open(path, "wb") as f:
            f.write(data)
        uri = "file://" + path.replace(" ", "%20")
        cur.execute("SELECT mreg.create_project('vision')")
        cur.execute("SELECT mreg.grant_access('vision', 'ac_client_checker', 'contribute')")
        cur.execute("SELECT mreg.set_policy('vision', 'promote', 'production', '{\"artifacts_checked\": true}')")

        # the worker, as the checker role, listening
        env = dict(os.environ, PGDATABASE=DB, PGUSER="ac_client_checker")
        worker = subprocess.Popen(["/usr/bin/python3", WORKER, "--interval", "0.5"], env=env)
        time.sleep(1.0)                          # it is listening (a missed doorbell is polled anyway)

        cur.execute("""SELECT mreg.register_model_version('vision', 'detector', '1.0.0',
                           artifacts => jsonb_build_array(jsonb_build_object('name', 'weights', 'uri', %s::text,
                                        'sha256', %s::text, 'size_bytes', %s::bigint)))""",
                    (uri, hashlib.sha256(data).hexdigest(), len(data)))
        vid = cur.fetchone()[0]
        cur.execute("SELECT id FROM mreg.artifact WHERE model_version_id = %s", (vid,))
        aid = cur.fetchone()[0]
        check(wait_status(cur, aid, "ok") == "ok", "the worker hears artifact.added and records ok")
        cur.execute("SELECT checked_by, check_detail FROM mreg.artifact_status WHERE id = %s", (aid,))
        by, detail = cur.fetchone()
        check(by == "ac_client_checker", "recorded as the checker's role (%s)" % by)
        check(detail.startswith("size %d, sha256 " % len(data)), "with what it saw (%s)" % detail)
        cur.execute("SELECT mreg.promote('vision', 'detector', '1.0.0', 'staging')")
        cur.execute("SELECT mreg.promote('vision', 'detector', '1.0.0', 'production')")
        check(True, "an ok artifact promotes to production")

        # the file changes on disk (same size, other bytes)
        with open(path, "r+b") as f:
            f.seek(100)
            f.write(b"tampered")
        check(wait_status(cur, aid, "checksum_mismatch") == "checksum_mismatch", "a changed file: checksum_mismatch")
        cur.execute("SELECT check_detail FROM mreg.artifact_status WHERE id = %s", (aid,))
        check("registered %s" % hashlib.sha256(data).hexdigest() in cur.fetchone()[0], "the detail names both hashes")
        cur.execute("SELECT ok FROM mreg.check_policy('promote', %s, 'production')", (vid,))
        check(cur.fetchone()[0] is False, "the policy no longer holds")

        # a second version, registered while the file is bad: refused for production
        cur.execute("""SELECT mreg.register_model_version('vision', 'detector', '1.1.0',
                           artifacts => jsonb_build_array(jsonb_build_object('name', 'weights', 'uri', %s::text,
                                        'sha256', %s::text)))""", (uri, hashlib.sha256(data).hexdigest()))
        v2 = cur.fetchone()[0]
        cur.execute("SELECT id FROM mreg.artifact WHERE model_version_id = %s", (v2,))
        a2 = cur.fetchone()[0]
        check(wait_status(cur, a2, "checksum_mismatch") == "checksum_mismatch", "a new version naming the changed file: checksum_mismatch")
        cur.execute("SELECT mreg.promote('vision', 'detector', '1.1.0', 'staging')")
        try:
            cur.execute("SELECT mreg.promote('vision', 'detector', '1.1.0', 'production')")
            check(False, "promotion with a mismatching artifact is refused")
        except psycopg2.Error as e:
            check(e.pgcode == "23514" and "artifacts_checked" in (e.diag.message_detail or ""),
                  "promotion with a mismatching artifact is refused (%s)" % e.pgcode)

        # the file is deleted
        os.unlink(path)
        check(wait_status(cur, aid, "missing") == "missing", "a deleted file: missing")
        cur.execute("SELECT array_agg(status ORDER BY id) FROM mreg.artifact_check WHERE artifact_id = %s", (aid,))
        check(cur.fetchone()[0] == ["ok", "checksum_mismatch", "missing"], "every check is kept, in order, none twice")
        cur.execute("SELECT count(*) FROM mreg.event WHERE kind = 'artifact.checked'")
        check(cur.fetchone()[0] >= 4, "each check is an artifact.checked event")

        worker.terminate()
        worker.wait(10)
        worker = None

        # --once: consume what is there and exit (file back in place)
        with open(path, "wb") as f:
            f.write(data)
        r = subprocess.run(["/usr/bin/python3", WORKER, "--once", "--recheck"], env=env, timeout=60)
        check(r.returncode == 0, "--once --recheck exits 0")
        cur.execute("SELECT check_status FROM mreg.artifact_status WHERE id = %s", (aid,))
        check(cur.fetchone()[0] == "ok", "the restored file is ok again")
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
        db.close()
        cleanup(DB, ROLES)
    finish()


if __name__ == "__main__":
    main()
