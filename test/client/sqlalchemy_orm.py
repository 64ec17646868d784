"""SQLAlchemy (Debian python3-sqlalchemy) against mreg: automap of the
registry's tables and analyst views, mreg.semver and mreg.lineage mapped to
Python values that round-trip, the register -> evaluate -> search -> promote
workflow through the ORM session, and governance: a direct ORM INSERT or
UPDATE that the API would refuse is refused."""
import functools
import os
import re
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import check, cleanup, finish, fresh_database  # noqa: E402

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import exc as sa_exc  # noqa: E402
from sqlalchemy.dialects.postgresql.base import ischema_names  # noqa: E402
from sqlalchemy.ext.automap import automap_base  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from sqlalchemy.ext.compiler import compiles  # noqa: E402
from sqlalchemy.sql.expression import ColumnElement  # noqa: E402
from sqlalchemy.types import UserDefinedType  # noqa: E402

DB = "mreg_client_orm"
ROLES = [("orm_client_app", "mreg_publisher")]


# ---------------------------------------------------------------- Python values
@functools.total_ordering
class SemVer:
    """A semantic version with SemVer 2.0.0 precedence (build metadata ignored)."""
    RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$")

    def __init__(self, text):
        m = self.RE.match(text)
        if not m:
            raise ValueError("not a semantic version: %r" % text)
        self.major, self.minor, self.patch = int(m[1]), int(m[2]), int(m[3])
        self.prerelease = tuple(m[4].split(".")) if m[4] else ()
        self.build = m[5]

    def _key(self):
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, pre)

    def __eq__(self, other):
        return isinstance(other, SemVer) and self._key() == other._key()

    def __lt__(self, other):
        return self._key() < other._key()

    def __hash__(self):
        return hash(self._key())

    def __str__(self):
        s = "%d.%d.%d" % (self.major, self.minor, self.patch)
        if self.prerelease:
            s += "-" + ".".join(self.prerelease)
        return s + ("+" + self.build if self.build else "")

    __repr__ = lambda self: "SemVer(%r)" % str(self)


class Lineage:
    """A provenance graph: a set of nodes and a set of edges (src, dst).  Text
    form: `a -> b; c` (names with spaces, ';', '->' or quotes double-quoted)."""

    def __init__(self, edges=(), nodes=()):
        self.edges = frozenset(edges)
        self.nodes = frozenset(nodes) | {n for e in self.edges for n in e}

    @staticmethod
    def _split(text, sep):
        parts, cur, quoted, i = [], "", False, 0
        while i < len(text):
            if text[i] == '"':
                quoted = not quoted
            if not quoted and text.startswith(sep, i):
                parts.append(cur)
                cur, i = "", i + len(sep)
                continue
            cur += text[i]
            i += 1
        return parts + [cur]

    @classmethod
    def parse(cls, text):
        edges, nodes = set(), set()
        for item in cls._split(text, ";"):
            if not item.strip():
                continue
            ends = [x.strip() for x in cls._split(item, "->")]
            nodes.update(ends)
            edges.update(zip(ends, ends[1:]))
        return cls(edges, nodes)

    def __str__(self):
        lone = sorted(self.nodes - {n for e in self.edges for n in e})
        return "; ".join(["%s -> %s" % e for e in sorted(self.edges)] + lone)

    def __eq__(self, other):
        return isinstance(other, Lineage) and (self.edges, self.nodes) == (other.edges, other.nodes)

    def __hash__(self):
        return hash((self.edges, self.nodes))


# ---------------------------------------------------------------- the column types
class SemVerType(UserDefinedType):
    cache_ok = True

    def get_col_spec(self, **kw):
        return "mreg.semver"

    def bind_processor(self, dialect):
        return lambda v: None if v is None else str(v)

    def bind_expression(self, bindvalue):
        return _CastExpr(bindvalue, "mreg.semver")

    def result_processor(self, dialect, coltype):
        return lambda v: None if v is None else SemVer(v)


class LineageType(UserDefinedType):
    cache_ok = True

    def get_col_spec(self, **kw):
        return "mreg.lineage"

    def bind_processor(self, dialect):
        return lambda v: None if v is None else str(v)

    def bind_expression(self, bindvalue):
        return _CastExpr(bindvalue, "mreg.lineage")

    def result_processor(self, dialect, coltype):
        return lambda v: None if v is None else Lineage.parse(v)


class _CastExpr(ColumnElement):
    """CAST(bind AS mreg.TYPE): the parameter travels as text and the server
    parses it with the type's own input function."""
    inherit_cache = True

    def __init__(self, inner, typename):
        self.inner, self.typename = inner, typename
        self.type = inner.type


@compiles(_CastExpr)
def _compile_cast(element, compiler, **kw):
    return "CAST(%s AS %s)" % (compiler.process(element.inner, **kw), element.typename)


for name, t in (("semver", SemVerType), ("lineage", LineageType)):
    ischema_names[name] = t
    ischema_names["mreg." + name] = t


def main():
    db = fresh_database(DB, ROLES)
    try:
        with db.cursor() as cur:
            cur.execute("SELECT mreg.create_project('orm')")
            for priv in ("contribute", "publish"):
                cur.execute("SELECT mreg.grant_access('orm', 'orm_client_app', %s)", (priv,))
            cur.execute("SELECT mreg.set_policy('orm', 'promote', 'production', '{\"min_metrics\": {\"auc\": 0.9}}')")
        # mreg's operators (semver <, lineage @>) are found through search_path, as the README advises
        path = {"options": "-c search_path=public,mreg"}
        engine = sa.create_engine("postgresql+psycopg2:///%s" % DB, connect_args=dict(path, user="orm_client_app"), future=True)
        su_engine = sa.create_engine("postgresql+psycopg2:///%s" % DB, connect_args=path, future=True)

        # ------------------------------------------------------------ automap
        metadata = sa.MetaData()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            metadata.reflect(engine, schema="mreg", views=True)
        unknown = sorted({str(w.message) for w in caught if "Did not recognize type" in str(w.message)})
        check(not any("semver" in u or "lineage" in u for u in unknown), "semver and lineage columns reflect as their types")
        Base = automap_base(metadata=metadata)
        # every row carries project_id and composite foreign keys say that a
        # version belongs to its model's project, so relationships overlap on
        # project_id by design; these tables are written through the API anyway
        warnings.filterwarnings("ignore", message=".*will copy column.*", category=sa_exc.SAWarning)

        class ModelVersionOverview(Base):        # a view: its documented key is id
            __table__ = metadata.tables["mreg.model_version_overview"]
            __mapper_args__ = {"primary_key": [__table__.c.id]}

        class LatestEvaluation(Base):
            __table__ = metadata.tables["mreg.latest_evaluation"]
            __mapper_args__ = {"primary_key": [__table__.c.id]}

        # a relationship named like a column (search_doc.project) gets a suffix
        def scalar_name(base, local_cls, referred_cls, constraint):
            name = referred_cls.__name__
            return name + "_ref" if name in local_cls.__table__.columns else name

        def collection_name(base, local_cls, referred_cls, constraint):
            return referred_cls.__name__ + "_collection"

        Base.prepare(name_for_scalar_relationship=scalar_name, name_for_collection_relationship=collection_name)
        C = Base.classes
        check(all(hasattr(C, t) for t in ("project", "model", "model_version", "artifact", "evaluation", "deployment", "run")),
              "automap maps the registry's tables (%d classes)" % len(list(C)))
        check(hasattr(C.model_version, "model") or hasattr(C.model_version, "model_collection") or
              any(r.mapper.class_ is C.model for r in sa.inspect(C.model_version).relationships),
              "foreign keys become relationships (model_version -> model)")
        check(isinstance(metadata.tables["mreg.model_version"].c.version.type, SemVerType), "model_version.version is a SemVer column")
        check(isinstance(metadata.tables["mreg.model_version"].c.provenance.type, LineageType), "model_version.provenance is a Lineage column")

        # ------------------------------------------------------------ round trips
        with Session(engine) as s:
            for text in ("1.2.3", "1.0.0-rc.1+build.5", "9223372036854775807.0.0-x.7.z.92"):
                v = SemVer(text)
                back = s.execute(sa.select(sa.bindparam("v", v, type_=SemVerType()))).scalar_one()
                check(back == v and str(back) == str(v) and isinstance(back, SemVer), "semver %s round-trips" % v)
            check(s.execute(sa.select(sa.bindparam("a", SemVer("1.0.0-alpha"), type_=SemVerType()) <
                                      sa.bindparam("b", SemVer("1.0.0"), type_=SemVerType()))).scalar_one() is True
                  and SemVer("1.0.0-alpha") < SemVer("1.0.0"), "ordering agrees in SQL and in Python")
            g = Lineage([("dataset:txns@2026-01", "run:1"), ("run:1", "model:churn@1.0.0"),
                         ('dataset:"sales; EU ""raw"""', "run:1")], ["code:git@abc123"])
            back = s.execute(sa.select(sa.bindparam("g", g, type_=LineageType()))).scalar_one()
            check(back == g and isinstance(back, Lineage), "a lineage with a quoted name round-trips (%s)" % back)

        # ------------------------------------------------------------ register -> evaluate -> search -> promote
        with Session(engine) as s, s.begin():
            ds = s.execute(sa.select(sa.func.mreg.register_dataset_version("orm", "events", "2026-02", "s3://events/2026-02",
                                                                           usage_rights="commercial"))).scalar_one()
            run = s.execute(sa.select(sa.func.mreg.log_run("orm", "churn-train", sa.cast({"lr": 0.05}, sa.dialects.postgresql.JSONB),
                                                           sa.cast({}, sa.dialects.postgresql.JSONB),
                                                           sa.cast(["dataset:events@2026-02"], sa.ARRAY(sa.Text))))).scalar_one()
            s.execute(sa.select(sa.func.mreg.register_model("orm", "churn", description="Churn propensity", domain="customer",
                                                            task="classification")))
            vids = {}
            for text in ("1.0.0", "1.1.0"):
                vids[text] = s.execute(sa.select(sa.func.mreg.register_model_version(
                    "orm", "churn", sa.bindparam("v" + text.replace(".", ""), SemVer(text), type_=SemVerType()), run))).scalar_one()
            s.execute(sa.select(sa.func.mreg.log_evaluation(vids["1.0.0"], "auc", 0.87)))
            s.execute(sa.select(sa.func.mreg.log_evaluation(vids["1.1.0"], "auc", 0.93)))
        check(ds > 0 and run > 0 and len(vids) == 2, "registered a dataset, a run and two versions through the session")

        with Session(engine) as s:
            rows = s.execute(sa.select(ModelVersionOverview).where(ModelVersionOverview.model == "churn")
                             .order_by(ModelVersionOverview.version)).scalars().all()
            check([r.version for r in rows] == [SemVer("1.0.0"), SemVer("1.1.0")] and isinstance(rows[0].version, SemVer),
                  "the overview view maps, versions come back as SemVer")
            mv = s.get(C.model_version, vids["1.1.0"])
            check(isinstance(mv.provenance, Lineage) and ("dataset:events@2026-02", "run:%d" % run) in mv.provenance.edges,
                  "the provenance snapshot is a Lineage value (%s)" % mv.provenance)
            latest = s.execute(sa.select(LatestEvaluation.value).where(LatestEvaluation.model_version_id == vids["1.1.0"],
                                                                     LatestEvaluation.metric == "auc")).scalar_one()
            check(abs(latest - 0.93) < 1e-9, "latest_evaluation maps")
            search = sa.func.mreg.search("churn auc>=0.9").table_valued(
                sa.column("model_version_id", sa.BigInteger), sa.column("project", sa.Text), sa.column("model", sa.Text),
                sa.column("version", SemVerType()), sa.column("stage", sa.Text), sa.column("score", sa.Float),
                sa.column("snippet", sa.Text))
            hits = s.execute(sa.select(search.c.model_version_id, search.c.version)).all()
            check([(h.model_version_id, h.version) for h in hits] == [(vids["1.1.0"], SemVer("1.1.0"))],
                  "mreg.search finds the version over the threshold (%s)" % hits)

        with Session(engine) as s, s.begin():
            best = hits[0].version
            s.execute(sa.select(sa.func.mreg.promote("orm", "churn", sa.bindparam("b", best, type_=SemVerType()), "staging")))
            dep = s.execute(sa.select(sa.func.mreg.promote("orm", "churn", sa.bindparam("b2", best, type_=SemVerType()),
                                                           "production"))).scalar_one()
        with Session(engine) as s:
            d = s.get(C.deployment, dep)
            check(d is not None and d.state == "live" and d.traffic_pct == 100, "promoted to production (deployment %s)" % dep)
        with Session(engine) as s:
            try:
                with s.begin():
                    s.execute(sa.select(sa.func.mreg.promote("orm", "churn", sa.bindparam("o", SemVer("1.0.0"), type_=SemVerType()),
                                                             "staging")))
                    s.execute(sa.select(sa.func.mreg.promote("orm", "churn", sa.bindparam("o2", SemVer("1.0.0"), type_=SemVerType()),
                                                             "production")))
                check(False, "the promote policy refuses 1.0.0 (auc 0.87 < 0.9)")
            except sa_exc.DBAPIError as e:
                check(e.orig.pgcode == "23514", "the promote policy refuses 1.0.0 (auc 0.87 < 0.9): %s" % e.orig.pgcode)

        # ------------------------------------------------------------ governance
        with Session(engine) as s:
            s.add(C.evaluation(project_id=mv.project_id, model_version_id=vids["1.0.0"], metric="auc", value=0.99, slice="all"))
            try:
                s.commit()
                check(False, "an ORM INSERT of an evaluation is refused (writes go through the API)")
            except sa_exc.DBAPIError as e:
                s.rollback()
                check(e.orig.pgcode == "42501", "an ORM INSERT of an evaluation is refused (%s)" % e.orig.pgcode)
        with Session(su_engine) as s:           # even the superuser's ORM may not move a status around the API
            v = s.get(C.model_version, vids["1.0.0"])
            v.status = "production"
            try:
                s.commit()
                check(False, "an ORM UPDATE of a status by the superuser is refused")
            except sa_exc.DBAPIError as e:
                s.rollback()
                check(e.orig.pgcode in ("42501", "55000"), "an ORM UPDATE of a status by the superuser is refused (%s)" % e.orig.pgcode)
            s.add(C.artifact(project_id=v.project_id, model_version_id=vids["1.1.0"], name="sneaky", kind="binary", uri="s3://x"))
            try:
                s.commit()
                check(False, "an ORM INSERT of an artifact into a registered version is refused")
            except sa_exc.DBAPIError as e:
                s.rollback()
                check(e.orig.pgcode == "42501", "an ORM INSERT of an artifact into a registered version is refused (%s)" % e.orig.pgcode)
        engine.dispose()
        su_engine.dispose()
    finally:
        db.close()
        cleanup(DB, ROLES)
    finish()


if __name__ == "__main__":
    main()
