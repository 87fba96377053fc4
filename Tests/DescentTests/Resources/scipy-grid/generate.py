"""Reference values for the regularised incomplete beta function and the t and F distributions,
from scipy (Boost's ibeta, accurate to a few ulps), written to reference.json. Run once."""
import json
import numpy as np
from scipy import special, stats

beta = []
for a in [0.5, 1, 2.5, 10, 100, 1e4, 1e6]:
    for b in [0.5, 1, 2.5, 10, 100, 1e4, 1e6]:
        for x in [1e-300, 1e-10, 0.001, 0.1, 0.5, 0.9, 0.999, 1 - 1e-10]:
            beta.append([a, b, x, float(special.betainc(a, b, x)), float(special.betaincc(a, b, x))])
t = []
for nu in [1, 2, 3, 4.5, 10, 30, 100, 1e4, 1e6, 1e8]:
    for tv in [0, 1e-8, 0.5, 1.96, 5, 40, 1e3]:
        for x in ([tv, -tv] if tv else [0.0]):
            t.append([nu, x, float(stats.t.sf(x, nu)), float(stats.t.cdf(x, nu))])
quantiles = []
for nu in [1, 3, 10, 30, 1e4, 1e6]:
    for p in [1e-12, 0.001, 0.025, 0.5, 0.975, 0.995, 1 - 1e-10]:
        quantiles.append([nu, p, float(stats.t.ppf(p, nu))])
f = []
for d1, d2 in [(1, 1), (3, 10), (10, 3), (20, 1000), (1, 1e6)]:
    for fv in [0.01, 1, 3, 50, 1e4]:
        f.append([d1, d2, fv, float(stats.f.sf(fv, d1, d2)), float(stats.f.cdf(fv, d1, d2))])
# scipy's t.sf loses accuracy for tiny |t| (x = ν/(ν+t²) rounds to 1): mpmath there.
import mpmath as mp
mp.mp.dps = 40
for row in t:
    nu, x = row[0], row[1]
    if x != 0 and abs(x) < 1e-4:
        half = 0.5 * mp.betainc(mp.mpf(nu) / 2, 0.5, 0, mp.mpf(nu) / (nu + mp.mpf(x) ** 2), regularized=True)
        sf = half if x > 0 else 1 - half
        row[2], row[3] = float(sf), float(1 - sf)
json.dump({"oracle": "scipy " + __import__("scipy").__version__ + "; mpmath (40 digits) where |t| < 1e-4, where scipy's t.sf loses accuracy", "beta": beta, "t": t, "quantiles": quantiles, "f": f},
          open("reference.json", "w"))
print(len(beta), len(t), len(quantiles), len(f))
