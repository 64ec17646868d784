#!/usr/bin/python3
"""Assemble doc/benchmarks.md from one `make bench` run's logs.

Usage: bench_report.py LOGS [NAME...]   (writes Markdown on stdout)

LOGS is the folder test/tools/bench.sh fills: run.info (scale, date, git
describe, server settings, the scale knobs set), and per benchmark NAME:
NAME.out (its stdout), NAME.status ("seconds exit-code"), NAME.mem (peak
summed PSS of the server's processes, kB), NAME.disk (peak summed database
size, bytes), NAME.rels (the largest relations at that peak:
db|relation|relkind|bytes) and, when the script wrote one, NAME.report
(lines "label<TAB>value" a script appends to $MREG_BENCH_REPORT).

The headline of each benchmark is read from the summary lines its script
prints (the extractors below); its whole output follows in a text block.
No SQL blocks here: test/sh/doc_examples.sh runs every ```sql block of doc/.
"""
import os
import re
import sys

LOGS = sys.argv[1]
NAMES = sys.argv[2:]


def read(name, default=""):
    try:
        with open(os.path.join(LOGS, name), encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return default


ANSI = re.compile(r"\x1b\[[0-9;]*m")
info = {}
knobs = {}
for line in read("run.info").splitlines():
    if line.startswith("env "):
        k, _, v = line[4:].partition("=")
        knobs[k] = v
    else:
        k, _, v = line.partition("=")
        info[k] = v
SCALE = info.get("scale", "?")


def knob(k, default):
    return knobs.get(k, default)


def num(s):
    try:
        return f"{int(s):,}"
    except ValueError:
        return s


# --------------------------------------------------------------- scales
# What each benchmark measured in this run (its knobs, or the script's
# defaults when unset), and its full-scale settings.
def scale_of(n):
    k = knob
    return {
        "semver": f"{num(k('SEMVER_BENCH_N', '1000000'))} versions, {k('SEMVER_BENCH_ROUNDS', '5')} rounds",
        "lineage": f"100,000 provenance values / 100k-node graph (fixed), {k('LINEAGE_BENCH_RUNS', '7')} runs x {k('LINEAGE_BENCH_PROBES', '5')} probes",
        "lineage_agg": f"{num(k('LINEAGE_AGG_BENCH_ROWS', '4000000'))} rows of one edge, 1,000,000 distinct edges, {k('LINEAGE_AGG_BENCH_RUNS', '3')} runs",
        "jsonschema": "100,000 documents (fixed), 6 timed runs",
        "registry": f"{num(k('MREG_BENCH_REGISTER', '2000'))} registrations, impact() on {num(k('MREG_BENCH_VERSIONS', '100000'))} versions, {k('MREG_BENCH_REPS', '5')} reps",
        "registry_concurrency": f"{k('MREG_BENCH_SECONDS', '10')} s pgbench runs x {k('MREG_BENCH_REPS', '3')} reps, {k('MREG_BENCH_CLIENTS', '8')} clients; impact() on {k('MREG_BENCH_MODELS', '100')} models x {k('MREG_BENCH_PER_MODEL', '500')} versions",
        "search": f"{num(k('MREG_BENCH_SEARCH_VERSIONS', '1000000'))} versions, {k('MREG_BENCH_SEARCH_REPS', '3')} reps x {k('MREG_BENCH_SEARCH_RUNS', '20')} runs (EAV {k('MREG_BENCH_SEARCH_EAV_RUNS', '3')})",
        "deployments": f"ingest {num(k('DEPLOY_BENCH_INGEST_ROWS', '3000000'))} rows x {k('DEPLOY_BENCH_REPS', '3')} reps; status at {', '.join(num(c) for c in k('DEPLOY_BENCH_COUNTS', '3000000 10000000 30000000 100000000').split())} signals (load limit {k('DEPLOY_BENCH_LOAD_LIMIT', '600')} s)",
        "governance": f"{k('MREG_BENCH_SECONDS', '5')} s runs x {k('MREG_BENCH_REPS', '3')} reps",
        "tap:standby": "the make demo registry, 2 registering clients (fixed)",
        "tap:plproxy": "2 shards + proxy on one machine, 200 registrations / 100 searches x 5 runs (fixed)",
    }.get(n, "see its output")


# --------------------------------------------------------------- headlines
def lines_matching(out, pat):
    return [l.strip() for l in out.splitlines() if re.search(pat, l)]


def h_semver(out):
    # the main table's rows (case | mreg | pg-semver | text | pg-semver / mreg | text / mreg);
    # its case labels say 1M / 100k / 20k whatever SEMVER_BENCH_N is
    res = []
    for l in out.splitlines():
        cells = [c.strip() for c in l.split("|")]
        if len(cells) == 6 and re.fullmatch(r"[0-9.]+", cells[4]):
            res.append(f"{cells[0]}: pg-semver/mreg {cells[4]}")
    return res[:7]


def h_jsonschema(out):
    res = []
    for l in out.splitlines():
        if "/" in l and "|" in l and re.search(r"\|\s*[0-9.]+\s*$", l):
            a, b = l.rsplit("|", 1)
            res.append(f"{a.strip()}: {b.strip()}")
    return res


def h_deployments(out):
    res = []
    for l in out.splitlines():
        m = re.match(r"(mreg\+pid|mreg)\s+([0-9.]+)\s+\S+\s+(\d+)\s+(\S+)\s+(\S+)", l)
        if m:
            res.append(f"ingest {m.group(1)}: {m.group(3)} rows/s, {m.group(4)} of plain (paired {m.group(5)})")
        m = re.match(r"(\d+)\s+(status\(\w+\))\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+x)", l)
        if m:
            res.append(f"{num(m.group(1))} signals {m.group(2)}: mreg p50 {m.group(3)} / p95 {m.group(4)} ms, plain p50 {m.group(5)} ms: {m.group(7)}")
    res += [l for l in lines_matching(out, r"not loaded|left out|exceed")]
    return res


def h_lineage_agg(out):
    return lines_matching(out, r"^lineage_agg .*peak RSS")


def h_generic(out):
    # lines that state a ratio or a rate
    return lines_matching(out, r"(\d\s*x\b|\dx\b|ratio|registrations/s|tps)")[:12]


def h_standby(out):
    return [re.sub(r"^#\s*", "", l) for l in lines_matching(out, r"^#\s*(registration load|standby replay lag)")]


def h_plproxy(out):
    o = out.splitlines()
    res = []
    for i, l in enumerate(o):
        if "PL/Proxy routing overhead" in l:
            res = [re.sub(r"^#\s*", "", x).strip() for x in o[i + 1:i + 3]]
    return res


def h_lineage(out):
    res = []
    for l in out.splitlines():
        m = re.match(r"(lookup: [\w ]+?|upstream, [\w-]+ graph)\s+(planned|tuned)\s+[\d.]+\s+[\d.]+\s+[\d.]+x\s+([\d.]+)\s+([\d.]+)\s+([\d.]+x)\s+(\w+)", l)
        if m:
            res.append(f"{m.group(1)}: {m.group(5)} faster than the {m.group(2)} CTE ({m.group(3)} vs {m.group(4)} ms, same answers {m.group(6)})")
    return res


def h_registry_concurrency(out):
    return lines_matching(out, r"pipelines = |^impact\('.*median|^impact: ")


def h_search(out):
    return lines_matching(out, r"^index build:|^reader: search p95|^superuser: search p95")


def h_registry(out):
    return lines_matching(out, r"^(register|impact):")


HEAD = {"semver": h_semver, "lineage": h_lineage, "registry_concurrency": h_registry_concurrency,
        "search": h_search, "jsonschema": h_jsonschema, "deployments": h_deployments,
        "lineage_agg": h_lineage_agg, "tap:standby": h_standby, "tap:plproxy": h_plproxy}

# --------------------------------------------------------------- earlier full-scale runs (cited)
FULL = [
    ("semver", "1M versions, 5 rounds", "vs pg-semver: ORDER BY 1.98x, btree build 2.18x, parse 1.42x faster; min/max at parity; 12 vs 19 bytes per value", "[doc/semver.md](semver.md)"),
    ("lineage", "100k provenance values of 20-200 nodes; 100k-node graph", "\"which versions used node X\" 6.7-11x faster than a recursive CTE over an edge table (best plan); upstream 39.5x faster", "[doc/lineage.md](lineage.md), README"),
    ("lineage_agg", "4M rows of one edge; 1M distinct edges", "peak RSS growth 4.6 MB, 1,391 ms; 117.7 MB, 796 ms", "[doc/lineage.md](lineage.md)"),
    ("jsonschema", "100k documents", "C validator / SQL expression 0.36 (2.8x faster), 1.4 us per document; schema per row / cached 1.90; violations / boolean 1.24", "[doc/metadata-schemas.md](metadata-schemas.md)"),
    ("registry", "2,000 registrations; impact() on 100k versions, 3 reps (2026-12-02)", "547-742 registrations/s, 22.6-32x bare INSERTs (1,800/s in November, before the search document and events joined the write path); impact() 2.2x faster than a recursive CTE returning the same rows (17.7 vs 38.5 ms), 0.8x one that only counts them", "[doc/registry.md](registry.md)"),
    ("registry_concurrency", "8 vs 1 pipelines, 3 x 10 s; 100 models x 500 versions (50k)", "8 pipelines 7.7-7.9x one (target >= 6x); impact() of a 500-version model among 50k 3.50 ms (target <= 5 ms)", "[doc/registry.md](registry.md)"),
    ("governance", "about 2,000 versions, 5 reps x 5 s", "reads reader/superuser 1.02-1.06x (target <= 1.1); writes new/old build 1.31-1.42x (target 1.3)", "[doc/governance-bench.md](governance-bench.md)"),
    ("search", "1,000,000 versions, 10.5M evaluations (2026-12-02)", "median EAV/mreg ratio 7.1x (page), 12.1x (facets); p95 <= 10 ms on 6 of 20 questions (facets 4); four text + filter pages on par with the EAV SQL (0.8-1.0x); index build 713 s", "[doc/search.md](search.md)"),
    ("deployments", "ingest 3M rows x 3; status at 3M, 10M, 30M signals (100M projected 850 s to load, over the 600 s limit; 30M loaded in 255 s from empty) (2026-12-02)", "ingest 0.91x of a plain table (paired 0.90x; target >= 0.8x); 30M signals: status(id) p50 0.34 ms, status(project) p50 11.3 ms (p95 12.1, target <= 20 ms); the count list now has a 60M step", "[doc/deployments.md](deployments.md)"),
    ("standby lag", "demo registry, 2 clients registering 146-295 versions/s, 3 runs", "replay lag median 0 bytes, p95 about 11 KB, max 16 KB; replay_lag median 0.3 ms, p95 3-5.5 ms; caught up in under 0.1 s", "[doc/reliability.md](reliability.md)"),
    ("PL/Proxy overhead", "2 shards + proxy, one machine, 200 registrations / 100 searches x 5 runs, 2 runs", "register_model_version through the proxy 1.11-1.25x a direct call (+0.15-0.3 ms); search over 2 shards 1.26-2.22x one node", "[doc/scaling.md](scaling.md)"),
]


def mb(b):
    return f"{int(b) / 1048576:,.0f} MB"


def cpu_facts():
    model = ""
    cores = 0
    for l in read_abs("/proc/cpuinfo").splitlines():
        if l.startswith("model name") and not model:
            model = l.split(":", 1)[1].strip()
        if l.startswith("processor"):
            cores += 1
    mem = re.search(r"MemTotal:\s+(\d+)", read_abs("/proc/meminfo"))
    kernel = read_abs("/proc/sys/kernel/osrelease").strip()
    return model, cores, (int(mem.group(1)) // 1024 if mem else 0), kernel


def read_abs(p):
    try:
        with open(p) as f:
            return f.read()
    except OSError:
        return ""


def md(s):
    return s.replace("|", "\\|")


# --------------------------------------------------------------- output
o = []
p = o.append
p("# Benchmarks")
p("")
p("Generated by `make bench` (`test/tools/bench.sh`, assembled by `test/tools/bench_report.py`); every run")
p("replaces this file. Benchmarks are never part of `make test`'s pass/fail. Ratios are measured side by")
p("side in one run against each benchmark's baseline (medians of several runs); absolute times on a shared")
p("machine swing by up to 2x between minutes, ratios much less.")
p("")
if SCALE == "quick":
    p("> **This is a reduced-scale run** (`MREG_BENCH_SCALE=quick`, about 15 minutes): every size is cut")
    p("> (the column \"scale of this run\" says exactly to what), so its numbers are not the project's")
    p("> figures at scale. The full-scale runs done earlier are cited in the next table, with their pages.")
    p("")
else:
    p("> **This is a full-scale run** (each script's default sizes, or the knobs listed below). The next")
    p("> table cites earlier runs from their pages, for comparison and for governance, which `make bench`")
    p("> does not run.")
    p("")
p("## Full-scale results (earlier runs, cited from their pages)")
p("")
p("Not measured by this run: each line is copied from the page that holds the run, at the scale given.")
p("")
p("| benchmark | scale | result | page |")
p("|---|---|---|---|")
for b, sc, r, page in FULL:
    p(f"| {b} | {md(sc)} | {md(r)} | {page} |")
p("")
p("Full scale is `make bench` with no knobs (each script's defaults: 1M versions for semver and search,")
p("3M-100M health signals, each count kept only when its projected load time is under")
p("`DEPLOY_BENCH_LOAD_LIMIT`, 600 s). On the 2-core machine that takes well over an hour: search at 1M")
p("versions took 45 minutes on 2026-12-02, registry_concurrency's 50k-version build")
p("took 183-251 s, and deployments loads health signals up to the largest count that fits the limit")
p("(30M in the earlier run; 100M would take about 1,200 s for `mreg.health_signal` alone).")
p("governance swaps mreg.so between two builds")
p("and runs alone: `bash test/bench/governance.sh` (needs a built checkout of ec8b0b6 in /tmp/wt-old).")
p("")
p(f"## This run ({SCALE} scale)")
p("")
if info.get("note"):
    p(f"- note: {info['note']}")
model, cores, memmb, kernel = cpu_facts()
p(f"- started {info.get('started', '?')}, finished {info.get('finished', '?')}; `git describe`: `{info.get('describe', '?')}`")
p(f"- machine: {cores} x {model}, {memmb:,} MB RAM, Linux {kernel}; shared with other sessions")
p(f"- server: {info.get('pg_version', '?')}")
p(f"- server settings: `{info.get('server_opts', '')}`, fsync off, on a private cluster")
if knobs:
    p("- knobs: " + ", ".join(f"`{k}={v}`" for k, v in sorted(knobs.items())))
p("- memory: peak of the summed PSS (proportional set size: shared buffers counted once) of the")
p("  postmaster and its children, sampled every 2 s; disk: peak summed size of the databases, sampled every")
p("  10 s, and the largest relations at that peak")
p("")
p("| benchmark | scale of this run | headline (ratio vs baseline) | time | peak server memory | peak disk | status |")
p("|---|---|---|---|---|---|---|")
sections = []
for n in NAMES:
    out = ANSI.sub("", read(f"{n}.out"))
    st = read(f"{n}.status").split()
    secs, rc = (st + ["?", "?"])[:2]
    mem = read(f"{n}.mem").strip()
    disk = read(f"{n}.disk").strip()
    head = HEAD.get(n, h_generic)(out)
    rep = [l.split("\t", 1) for l in read(f"{n}.report").splitlines() if "\t" in l]
    if rep:     # the script's own summary lines win over the parsed ones
        head = [f"{a}: {b}" for a, b in rep]
    status = "not run" if not st else ("ok" if rc == "0" else f"failed (exit {rc})")
    if n.startswith("tap:"):   # its own clusters: the sampled server is idle meanwhile
        memtxt = disktxt = "own clusters, not sampled"
    else:
        memtxt = (str(int(mem) // 1024) + " MB") if mem else "-"
        disktxt = mb(disk) if disk else "-"
    p(f"| {n} | {md(scale_of(n))} | {md('; '.join(head)) if head else 'see below'} | {secs} s | "
      f"{memtxt} | {disktxt} | {status} |")
    s = [f"### {n}", "", f"Scale: {scale_of(n)}. Time {secs} s, {status}."]
    rels = {}
    if n.startswith("tap:"):
        rels_src = ""
    else:
        rels_src = read(f"{n}.rels")
    for l in rels_src.splitlines():
        if l.count("|") != 3:
            continue
        d, r, k, b = l.split("|")
        # daily partitions (NAME_pYYYYMMDD) summed per table, in case the sampler listed them
        m = re.match(r"(.*)_p\d{8}$", r)
        if m:
            r, k = m.group(1) + "_p*", "partitions"
        key = (d, r, k)
        c, t = rels.get(key, (0, 0))
        rels[key] = (c + 1, t + int(b))
    rels = [(d, r + (f" ({c} of its largest partitions only: a lower bound)" if k == "partitions" else ""), k, t)
            for (d, r, k), (c, t) in rels.items()]
    if rels:
        s += ["", "Largest relations at the peak of disk use:", "", "| database | relation | kind | size |", "|---|---|---|---|"]
        for d, r, k, b in sorted(rels, key=lambda x: -int(x[3]))[:8]:
            s.append(f"| {d} | `{r}` | {k} | {mb(b)} |")
    s += ["", "Output:", "", "```text"]
    # a line that looks like a fence would end the block (and doc_examples.sh reads fences)
    s += [("| " + l if re.match(r"\s*(```|~~~)", l) else l).rstrip() for l in out.strip("\n").splitlines()] or ["(none)"]
    s += ["```", ""]
    sections.append("\n".join(s))
p("")
p("Standby lag and PL/Proxy overhead come from `test/tap/standby.pl` and `test/tap/plproxy.pl` (their")
p("`note` lines), run by `make bench` as `tap:standby` and `tap:plproxy`.")
p("")
p("## Each benchmark's output")
p("")
o += sections
sys.stdout.write("\n".join(o).rstrip("\n") + "\n")
