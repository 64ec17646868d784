#!/usr/bin/python3
"""mreg artifact checker: checks that the files of model versions exist and
are what was registered, and records the result in the registry.

It consumes the registry's event stream (mreg.consume_events, woken up by
LISTEN mreg_events), and for each artifact.added event looks at the
artifact's file:// URI: a file that is not there is `missing`, one whose
size or sha256 differs from the registered ones is `checksum_mismatch`,
otherwise `ok`.  The result goes to mreg.record_artifact_check(), which
keeps every check, emits artifact.checked and feeds the policy rule
"artifacts_checked" (doc/artifacts.md).

Files change on disk without an event, so --recheck checks every visible
file:// artifact once at start and --interval N again every N seconds;
a recheck records a check only when the status changed.

Run it as a role with contribute on the projects to check (its events are
those of the projects the role may read), on the machine that sees the
files:

    /usr/bin/python3 src/worker/artifact_checker.py --dsn "dbname=registry user=checker"

Needs Debian's python3-psycopg2 only.  Other URI schemes (s3://, oci://)
are left alone: another checker can record their results the same way.
"""
import argparse
import hashlib
import os
import select
import sys
import time
import urllib.parse

import psycopg2
import psycopg2.extensions

STATUS_OK, STATUS_MISSING, STATUS_MISMATCH = "ok", "missing", "checksum_mismatch"


def log(msg):
    print("artifact_checker: " + msg, file=sys.stderr, flush=True)


def local_path(uri):
    """The local path of a file:// URI, or None for another scheme or host."""
    u = urllib.parse.urlparse(uri or "")
    if u.scheme != "file" or u.netloc not in ("", "localhost"):
        return None
    return urllib.parse.unquote(u.path)


def check_file(path, size_bytes, sha256):
    """(status, detail) for a file against its registered size and sha256;
    None when the file cannot be read for another reason (nothing is
    recorded then: a permission problem says nothing about the artifact)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return STATUS_MISSING, "no such file: %s" % path
    except NotADirectoryError:
        return STATUS_MISSING, "no such file: %s" % path
    except OSError as e:
        log("cannot stat %s: %s" % (path, e))
        return None
    if not os.path.isfile(path):
        return STATUS_MISSING, "not a regular file: %s" % path
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError as e:
        log("cannot read %s: %s" % (path, e))
        return None
    digest, size = h.hexdigest(), st.st_size
    problems = []
    if size_bytes is not None and size != size_bytes:
        problems.append("size %d, registered %d" % (size, size_bytes))
    if sha256 is not None and digest != sha256.lower():
        problems.append("sha256 %s, registered %s" % (digest, sha256.lower()))
    if problems:
        return STATUS_MISMATCH, "; ".join(problems)
    if size_bytes is None and sha256 is None:
        return STATUS_OK, "exists, size %d, sha256 %s (nothing registered to compare)" % (size, digest)
    return STATUS_OK, "size %d, sha256 %s" % (size, digest)


class Checker:
    def __init__(self, dsn, consumer, batch):
        self.conn = psycopg2.connect(dsn)
        # consume_events learns how far the outbox is complete only in a
        # transaction that has written nothing before it: one call, one
        # transaction
        self.conn.autocommit = True
        self.consumer = consumer
        self.batch = batch
        self.checked = 0

    def listen(self):
        with self.conn.cursor() as cur:
            cur.execute("LISTEN mreg_events")

    def check_artifact(self, artifact_id, only_if_changed=False):
        with self.conn.cursor() as cur:
            cur.execute("SELECT uri, size_bytes, sha256, check_status FROM mreg.artifact_status WHERE id = %s",
                        (artifact_id,))
            row = cur.fetchone()
            if row is None:
                return None                  # gone, or not visible to this role
            uri, size_bytes, sha256, current = row
            path = local_path(uri)
            if path is None:
                return None
            result = check_file(path, size_bytes, sha256)
            if result is None or (only_if_changed and result[0] == current):
                return result
            cur.execute("SELECT mreg.record_artifact_check(%s, %s, %s)", (artifact_id, result[0], result[1]))
            self.checked += 1
            log("artifact %s (%s): %s, %s" % (artifact_id, uri, result[0], result[1]))
            return result

    def drain(self):
        """Consumes events until none is left; returns how many it read."""
        n = 0
        while True:
            with self.conn.cursor() as cur:
                cur.execute("SELECT kind, entity_id FROM mreg.consume_events(%s, %s)", (self.consumer, self.batch))
                events = cur.fetchall()
            if not events:
                return n             # (this call also acknowledged the last batch)
            for kind, entity_id in events:
                if kind == "artifact.added":
                    self.check_artifact(entity_id)
            n += len(events)

    def recheck_all(self, include_unchecked=True):
        """Checks every visible file:// artifact again, recording only changes.
        The periodic recheck leaves unchecked ones to their artifact.added
        event (checking them here too would record them twice)."""
        with self.conn.cursor() as cur:
            cur.execute("SELECT id FROM mreg.artifact_status WHERE uri LIKE 'file:%%'"
                        + ("" if include_unchecked else " AND check_status <> 'unchecked'")
                        + " ORDER BY id")
            ids = [r[0] for r in cur.fetchall()]
        for i in ids:
            self.check_artifact(i, only_if_changed=True)
        return len(ids)

    def run(self, interval, idle_exit=None):
        self.listen()
        last_recheck = time.monotonic()
        idle_since = time.monotonic()
        while True:
            if self.drain():
                idle_since = time.monotonic()
            if interval and time.monotonic() - last_recheck >= interval:
                self.recheck_all(include_unchecked=False)
                last_recheck = time.monotonic()
            if idle_exit is not None and time.monotonic() - idle_since >= idle_exit:
                return
            # a notification is the doorbell; poll anyway now and then, since
            # one can be missed (and events settle only once older writers end)
            timeout = 1.0 if not interval else min(1.0, interval)
            if select.select([self.conn], [], [], timeout)[0]:
                self.conn.poll()
                del self.conn.notifies[:]


def main(argv=None):
    ap = argparse.ArgumentParser(description="Check file:// artifacts of the mreg registry and record the results.")
    ap.add_argument("--dsn", default="", help="libpq connection string (default: PG* environment variables)")
    ap.add_argument("--consumer", default="artifact-checker", help="event consumer name (default artifact-checker)")
    ap.add_argument("--batch", type=int, default=100, help="events per consume_events call (default 100)")
    ap.add_argument("--recheck", action="store_true", help="check every visible file:// artifact at start")
    ap.add_argument("--interval", type=float, default=0, help="recheck every N seconds (default: never)")
    ap.add_argument("--once", action="store_true", help="consume what is there (and --recheck), then exit")
    ap.add_argument("--idle-exit", type=float, default=None, help="exit after N seconds without events")
    args = ap.parse_args(argv)
    c = Checker(args.dsn, args.consumer, args.batch)
    if args.recheck:
        c.recheck_all()
    if args.once:
        c.drain()
    else:
        try:
            c.run(args.interval, args.idle_exit)
        except KeyboardInterrupt:
            pass
    log("recorded %d checks" % c.checked)
    return 0


if __name__ == "__main__":
    sys.exit(main())
