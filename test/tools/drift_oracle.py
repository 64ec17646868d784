#!/usr/bin/python3
"""Independent reference values for mreg.psi, mreg.js_divergence and
mreg.ks_statistic (sql/71_drift.sql).  Plain Python, no numpy or scipy:
math.fsum for PSI and JS, exact fractions for KS.  Prints the VALUES rows
that sql/71_drift.sql holds as its oracle; run it and paste when a case
changes:  /usr/bin/python3 test/tools/drift_oracle.py
"""
from fractions import Fraction
import math

EPS = 1e-4  # PSI: an empty bin's proportion (doc/drift.md)


def props(x):
    s = math.fsum(x)
    return [v / s for v in x]


def psi(e, a):
    terms = []
    for ei, ai in zip(props(e), props(a)):
        ei, ai = ei or EPS, ai or EPS      # an empty bin counts as EPS
        terms.append((ai - ei) * math.log(ai / ei))
    return math.fsum(terms)


def js(p, q):
    p, q = props(p), props(q)

    def kl(x, m):
        return math.fsum(xi * math.log(xi / mi) for xi, mi in zip(x, m) if xi > 0)
    m = [(pi + qi) / 2 for pi, qi in zip(p, q)]
    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


def ks(a, b):
    # straight from the definition: every point where a CDF steps
    d = Fraction(0)
    for x in set(a) | set(b):
        fa = Fraction(sum(1 for v in a if v <= x), len(a))
        fb = Fraction(sum(1 for v in b if v <= x), len(b))
        d = max(d, abs(fa - fb))
    return d


def num(v):
    v = float(v)
    if v == 0 and math.copysign(1, v) < 0:
        return "-0"
    return str(int(v)) if v.is_integer() else repr(v)


def lit(x):
    return "'{" + ",".join(num(v) for v in x) + "}'"


def lcg(seed, n, lo, hi, step=1.0):
    out, s = [], seed
    for _ in range(n):
        s = (s * 1103515245 + 12345) % 2**31
        out.append(round(lo + round((s / 2**31) * (hi - lo) / step) * step, 6))
    return out


PSI = [
    ("identical", [10, 20, 30], [10, 20, 30]),
    ("reversed", [1, 2, 3], [3, 2, 1]),
    ("ten score bins", [0.1] * 10, [0.05, 0.08, 0.1, 0.12, 0.15, 0.13, 0.11, 0.1, 0.09, 0.07]),
    ("counts, same shape", [100] * 10, [50, 80, 100, 120, 150, 130, 110, 100, 90, 70]),
    ("empty expected bin", [0, 50, 50], [10, 45, 45]),
    ("empty actual bin", [10, 45, 45], [0, 50, 50]),
    ("bin empty in both", [0, 1, 3], [0, 3, 1]),
    ("minor shift", [20, 30, 30, 20], [22, 29, 29, 20]),
]
JS = [
    ("identical", [1, 2, 3], [1, 2, 3]),
    ("disjoint", [1, 0], [0, 1]),
    ("disjoint, counts", [1, 1, 0, 0], [0, 0, 2, 5]),
    ("coin 0.5 vs 0.9", [0.5, 0.5], [0.9, 0.1]),
    ("reversed", [1, 2, 3, 4], [4, 3, 2, 1]),
    ("one empty bin", [0.25, 0.75, 0], [0.5, 0.25, 0.25]),
    ("ten score bins", [0.1] * 10, [0.05, 0.08, 0.1, 0.12, 0.15, 0.13, 0.11, 0.1, 0.09, 0.07]),
]
KS = [
    ("shifted", [1, 2, 3], [2, 3, 4, 5]),
    ("identical", [3, 1, 2], [1, 2, 3]),
    ("disjoint", [1, 2], [3, 4, 5]),
    ("ties across", [1, 1, 2, 2], [1, 2, 2, 2]),
    ("all one value", [7, 7, 7], [7, 7]),
    ("minus zero", [-0.0, 0.0, -1], [0, 1]),
    ("lcg 40 vs 27, ties", lcg(7, 40, 0, 10, 0.5), lcg(11, 27, 1, 11, 0.5)),
    ("lcg 60 vs 45", lcg(3, 60, -5, 5, 0.001), lcg(5, 45, -4, 6, 0.001)),
]

if __name__ == "__main__":
    for name, e, a in PSI:
        print(f"('psi', {name!r}, mreg.psi({lit(e)}, {lit(a)}), {psi(e, a)!r}::float8),")
    for name, p, q in JS:
        print(f"('js', {name!r}, mreg.js_divergence({lit(p)}, {lit(q)}), {js(p, q)!r}::float8),")
    for name, a, b in KS:
        d = ks(a, b)
        print(f"('ks', {name!r}, mreg.ks_statistic({lit(a)}, {lit(b)}), {float(d)!r}::float8), -- {d}")
