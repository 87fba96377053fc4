#!/usr/bin/env python3
"""Reference values for Descent's Numerics layer (Tests/DescentTests/Numerics/DistributionTests.swift).

Usage: python3 generate.py [output.json]     (default: reference.json next to this script)

Needs scipy and mpmath (written with scipy 1.17.1, mpmath 1.3.0); takes under a minute on two
cores. The Swift tests read only the JSON it writes.

Every value is computed twice:
  * by scipy (scipy.special.betainc/betaincc/betaln, scipy.stats.t.cdf/sf/ppf, scipy.stats.f.sf/cdf,
    scipy.stats.norm for nu = inf), and
  * by an mpmath oracle at 50 significant digits (below).
The "reference" is scipy's value where the two agree to 1e-15 relative (about 4 ulps), and the
correctly rounded mpmath value where they do not; "oracle" says which, and both are recorded.
scipy disagrees mostly in extreme tails (values that underflow in Boost's double arithmetic) and
for huge parameters.

The mpmath oracle. mpmath.betainc fails to converge for parameters near 1e6 and loses the small
tail to cancellation, so the incomplete beta is summed here directly from its hypergeometric
series, all of whose terms are positive:
    I_x(a, b) = x^a (1-x)^b / (a B(a, b)) * sum_n (a+b)_n / (a+1)_n x^n,
on the side of the mean where it converges (x <= a/(a+b), else via I_x(a,b) = 1 - I_{1-x}(b,a)),
with the working precision raised by as many digits as the subtraction from 1 cancels. Arguments
are the exact binary values of the Doubles the Swift tests pass. Student t quantiles are found by
mpmath.findroot on log P(T > s) = log q at 50 digits, started from scipy's value.
"""
import json
import math
import multiprocessing
import os
import platform
import sys

import mpmath as mp
import scipy
import scipy.special as sc
import scipy.stats as st

DIGITS = 50

# ---------------------------------------------------------------------------------------------
# The oracle


def _series(a, b, x, y):
    """I_x(a, b) by the positive hypergeometric series (current mpmath precision)."""
    total = mp.mpf(1)
    term = mp.mpf(1)
    n = 0
    eps = mp.mpf(2) ** (-mp.mp.prec - 10)
    while True:
        ratio = (a + b + n) * x / (a + 1 + n)
        term *= ratio
        total += term
        n += 1
        # Bound on the remaining terms: their ratios decrease to x when b >= 1, increase to x when b < 1.
        bound = max(ratio, x) if b < 1 else (a + b + n) * x / (a + 1 + n)
        if bound < 1 and term * bound / (1 - bound) < eps * total:
            break
        if n > 10**8:
            raise RuntimeError("series too slow for a=%s b=%s x=%s" % (a, b, x))
    log_prefactor = (a * mp.log(x) + b * mp.log(y) - mp.log(a)
                     - (mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)))
    return mp.exp(log_prefactor) * total


def _terms(a, b, x):
    """Rough number of series terms for I_x(a, b)."""
    a, b, x = float(a), float(b), float(x)
    peak = max(0.0, ((a + b) * x - a - 1) / max(1 - x, 1e-300))
    return peak + 130.0 / max(1 - x, 1e-300)


def betainc_pair(a, b, x, y=None):
    """(I_x(a, b), 1 - I_x(a, b)) as mpf to DIGITS digits; x (and y = 1 - x) exact."""
    with mp.workdps(DIGITS + 400):
        a, b, x = mp.mpf(a), mp.mpf(b), mp.mpf(x)
        y = 1 - x if y is None else mp.mpf(y)
    if x == 0:
        return mp.mpf(0), mp.mpf(1)
    if y == 0:
        return mp.mpf(1), mp.mpf(0)
    # Either series converges for 0 < x < 1; the one on the side below its mean needs no extra
    # digits, the other may (raised below as needed). Take the cheaper.
    direct_terms, other_terms = _terms(a, b, x), _terms(b, a, y)
    direct = (x * (a + b) <= a and direct_terms <= 2e4) or direct_terms <= other_terms
    extra = 0
    while True:
        with mp.workdps(DIGITS + 20 + extra):
            if direct:
                value = _series(a, b, x, y)
                complement = 1 - value
                derived = complement
            else:
                complement = _series(b, a, y, x)
                value = 1 - complement
                derived = value
            if derived > 0:
                lost = max(0, int(-mp.log10(derived)) + 5)
                if lost <= extra:
                    return +value, +complement
                extra = lost + 10
            elif extra >= 800:
                # Zero to 800 digits: far below the smallest Double.
                return (mp.mpf(1), mp.mpf(0)) if direct else (mp.mpf(0), mp.mpf(1))
            else:
                extra += 100


def t_pair(t, nu):
    """(P(T <= t), P(T > t)) as mpf; nu may be inf (the normal)."""
    with mp.workdps(DIGITS + 400):
        t = mp.mpf(t)
        if nu == math.inf:
            upper = mp.erfc(abs(t) / mp.sqrt(2)) / 2
            lower = 1 - upper
        elif t == 0:
            return mp.mpf(0.5), mp.mpf(0.5)
        else:
            nu = mp.mpf(nu)
            x = nu / (nu + t * t)
            y = t * t / (nu + t * t)
    if nu != math.inf:
        outside, inside = betainc_pair(nu / 2, mp.mpf(0.5), x, y)
        upper = outside / 2
        lower = mp.mpf(0.5) + inside / 2
    return (upper, lower) if t < 0 else (lower, upper)


def t_quantile(p, nu, start):
    """The t with P(T <= t) = p, to DIGITS digits."""
    if p == 0.5:
        return mp.mpf(0)
    q = min(p, 1 - p)          # exact in binary
    log_q = mp.log(mp.mpf(q))

    def g(s):
        return mp.log(t_pair(s, nu)[1]) - log_q

    with mp.workdps(DIGITS):
        s0 = mp.mpf(abs(start))
        s = mp.findroot(g, (s0, s0 * (1 + mp.mpf(10) ** -8)), solver="secant",
                        tol=mp.mpf(10) ** (-2 * DIGITS + 10), maxsteps=200)
    return -s if p < 0.5 else s


def f_pair(f, d1, d2):
    """(P(F > f), P(F <= f)) as mpf."""
    with mp.workdps(DIGITS + 400):
        f, d1, d2 = mp.mpf(f), mp.mpf(d1), mp.mpf(d2)
        x = d2 / (d2 + d1 * f)
        y = d1 * f / (d2 + d1 * f)
    return betainc_pair(d2 / 2, d1 / 2, x, y)


# ---------------------------------------------------------------------------------------------
# Reference records


def text(v):
    """A Double as the shortest decimal that reads back to it ("inf", "-inf", "nan" as such)."""
    return repr(float(v))


def record(scipy_value, mp_value):
    """The reference for one quantity: scipy's value where it agrees with mpmath, else mpmath's."""
    m = float(mp_value)
    s = float(scipy_value)
    agree = (s == m) or (math.isfinite(s) and math.isfinite(m)
                          and abs(s - m) <= max(1e-15 * abs(m), 4 * 5e-324))
    return {
        "reference": text(s if agree else m),
        "oracle": "scipy" if agree else "mpmath",
        "scipy": text(s),
        "mpmath": mp.nstr(mp_value, 20, min_fixed=0, max_fixed=0) if mp.isfinite(mp_value) else text(m),
    }


def beta_task(args):
    a, b, x = args
    value, complement = betainc_pair(a, b, x)
    return {"a": text(a), "b": text(b), "x": text(x),
            "value": record(sc.betainc(a, b, x), value),
            "complement": record(sc.betaincc(a, b, x), complement)}


def log_beta_task(args):
    a, b = args
    with mp.workdps(DIGITS + 20):
        value = mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(mp.mpf(a) + b)
    return {"a": text(a), "b": text(b), "value": record(sc.betaln(a, b), value)}


def t_task(args):
    t, nu = args
    lower, upper = t_pair(t, nu)
    two_sided = 2 * (upper if t >= 0 else lower)
    dist = st.norm if nu == math.inf else st.t(nu)
    return {"t": text(t), "nu": text(nu),
            "cdf": record(dist.cdf(t), lower),
            "survival": record(dist.sf(t), upper),
            "twoSided": record(2 * dist.sf(abs(t)), two_sided)}


def quantile_task(args):
    p, nu = args
    dist = st.norm if nu == math.inf else st.t(nu)
    start = dist.ppf(p)
    if not math.isfinite(start):
        # scipy overflows for some extreme p (t(3).ppf(1e-300) = inf): start from the power-law
        # tail P(T > s) ~ nu^(nu/2 - 1) s^(-nu) / B(nu/2, 1/2) instead.
        q = min(p, 1 - p)
        with mp.workdps(DIGITS):
            start = float(mp.exp(((nu / 2 - 1) * mp.log(nu) - mp.log(mp.beta(nu / 2, 0.5)) - mp.log(q)) / nu))
    value = t_quantile(p, nu, start)
    return {"p": text(p), "nu": text(nu), "quantile": record(dist.ppf(p), value)}


def f_task(args):
    f, d1, d2 = args
    survival, cdf = f_pair(f, d1, d2)
    return {"f": text(f), "d1": text(d1), "d2": text(d2),
            "survival": record(st.f.sf(f, d1, d2), survival),
            "cdf": record(st.f.cdf(f, d1, d2), cdf)}


# ---------------------------------------------------------------------------------------------
# Grids

SHAPES = [0.5, 1, 2.5, 10, 100, 1e4, 1e6]
XS = [1e-300, 1e-10, 0.001, 0.1, 0.5, 0.9, 0.999, 1 - 1e-10]
TS = [0, 1e-8, 0.5, 1.96, 5, 40, 1e3]
TS = sorted({s * t for t in TS for s in (1, -1)})
NUS = [1, 2, 3, 4.5, 10, 30, 100, 1e4, 1e6, 1e8]
FS = [0.01, 1, 3, 50, 1e4]
F_DEGREES = [(1, 1), (3, 10), (10, 3), (20, 1000), (1, 1e6)]
PS = [1e-12, 0.001, 0.025, 0.5, 0.975, 0.995, 1 - 1e-10]

# Beyond the grid: the far tails and the normal limit.
T_EXTREME = ([(t, nu) for nu in (1, 1.5, 2) for t in (1e10, 1e100, 1e150, 1e200, 1e300)]
             + [(t, nu) for nu in (1e12, 1e16, 1e20, math.inf) for t in (-30, -5, 0.5, 1.96, 5, 30)])
Q_EXTREME = ([(p, nu) for nu in (1, 3, 30, 1e6) for p in (1e-300, 1e-100)]
             + [(p, nu) for nu in (1e12, math.inf) for p in (1e-12, 0.025, 0.975)])
F_EXTREME = ([(f, 2, 2) for f in (1e100, 1e300)]
             + [(f, 1, 1) for f in (1e300, 1.7e308)]
             + [(f, 10, 20) for f in (1e10, 1e20, 1e29, 1e30, 1e31)]
             + [(f, 3, 10) for f in (1e40, 1e60, 1e61)]
             + [(f, 20, 1000) for f in (10, 30, 40)]
             + [(f, 10, 3) for f in (1e-10, 1e-30, 1e-60)])


def progress(name, rows):
    print(name, len(rows), flush=True)
    return rows


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json")
    with multiprocessing.Pool(2) as pool:
        beta = progress("incompleteBeta", pool.map(beta_task, [(a, b, x) for a in SHAPES for b in SHAPES for x in XS], chunksize=1))
        log_beta = progress("logBeta", pool.map(log_beta_task, [(a, b) for a in SHAPES for b in SHAPES], chunksize=1))
        t_rows = progress("studentT", pool.map(t_task, [(t, nu) for nu in NUS for t in TS] + T_EXTREME, chunksize=1))
        quantiles = progress("studentTQuantile", pool.map(quantile_task, [(p, nu) for nu in NUS for p in PS] + Q_EXTREME, chunksize=1))
        f_rows = progress("fisherF", pool.map(f_task, [(f, d1, d2) for (d1, d2) in F_DEGREES for f in FS] + F_EXTREME, chunksize=1))
    document = {
        "about": ("Reference values for Descent's Numerics layer, written by generate.py (see its "
                  "docstring). Numbers are strings: the shortest decimals that read back to the "
                  "Doubles. 'reference' is scipy's value where it agrees with the 50-digit mpmath "
                  "oracle to 1e-15 relative, else the mpmath value; 'oracle' says which."),
        "versions": {"python": platform.python_version(), "scipy": scipy.__version__,
                     "mpmath": mp.__version__, "digits": DIGITS},
        "incompleteBeta": beta,
        "logBeta": log_beta,
        "studentT": t_rows,
        "studentTQuantile": quantiles,
        "fisherF": f_rows,
    }
    with open(out, "w") as handle:
        json.dump(document, handle, indent=1)
        handle.write("\n")
    counts = {k: len(v) for k, v in document.items() if isinstance(v, list)}
    by_mpmath = sum(1 for rows in (beta, log_beta, t_rows, quantiles, f_rows) for row in rows
                    for value in row.values() if isinstance(value, dict) and value["oracle"] == "mpmath")
    print("wrote", out, counts, "values taken from mpmath:", by_mpmath)


if __name__ == "__main__":
    main()
