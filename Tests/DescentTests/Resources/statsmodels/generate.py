"""Reference numbers from statsmodels (0.15) for the inference summary tests: OLS and WLS fits on
real data sets, with the data itself, written to reference.json. Run once; the tests need no Python.

Cases: longley (OLS, constant first), stackloss (OLS), diabetes (OLS; and WLS with weights
1 + (i mod 4)), cpunish without a constant (OLS, uncentred R²), copper (WLS with weights
1/(1 + i/10))."""
import json
import numpy as np, statsmodels.api as sm
from sklearn import datasets

def load(name):
    if name == "diabetes":
        d = datasets.load_diabetes()
        return d.data, d.target, list(d.feature_names)
    data = getattr(sm.datasets, name).load_pandas()
    y = np.asarray(data.endog, dtype=float)
    return np.asarray(data.exog, dtype=float), (y[:, 0] if y.ndim > 1 else y), list(data.exog.columns)

cases = []
for name, constant, weighting in [("longley", True, None), ("stackloss", True, None), ("diabetes", True, None),
                                  ("diabetes", True, "1 + i mod 4"), ("cpunish", False, None),
                                  ("copper", True, "1 / (1 + i/10)")]:
    x, y, names = load(name)
    n = len(y)
    exog = sm.add_constant(x, prepend=True) if constant else x
    if weighting is None:
        w = None
        fit = sm.OLS(y, exog).fit()
    else:
        i = np.arange(n)
        w = 1.0 + (i % 4) if weighting.startswith("1 + i") else 1.0 / (1.0 + i / 10.0)
        fit = sm.WLS(y, exog, weights=w).fit()
    ci95 = fit.conf_int(0.05)
    ci90 = fit.conf_int(0.10)
    cases.append({
        "name": name, "intercept": constant, "weights": None if w is None else w.tolist(), "weighting": weighting,
        "featureNames": names, "x": x.tolist(), "y": y.tolist(),
        "params": fit.params.tolist(), "bse": fit.bse.tolist(), "tvalues": fit.tvalues.tolist(),
        "pvalues": fit.pvalues.tolist(), "ci95": np.asarray(ci95).tolist(), "ci90": np.asarray(ci90).tolist(),
        "rsquared": fit.rsquared, "rsquaredAdj": fit.rsquared_adj, "fvalue": float(fit.fvalue),
        "fPValue": float(fit.f_pvalue), "llf": fit.llf, "aic": fit.aic, "bic": fit.bic,
        "residualStandardError": float(np.sqrt(fit.scale)), "dfResid": fit.df_resid, "dfModel": fit.df_model,
        "conditionNumber": float(fit.condition_number),
    })
json.dump({"statsmodels": sm.__version__, "cases": cases}, open("reference.json", "w"), indent=1)
print(len(cases), "cases")
