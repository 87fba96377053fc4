"""Writes the typed-table references of Tests/DescentTests/Tables.

Real tables bundled with statsmodels (no network), given text, boolean and missing cells
deterministically where a set lacks them, written as pandas' `to_csv` writes them; then for each
formula patsy's design matrix (names, kept rows, values as float.hex so they round-trip bits),
formulaic's column names, and statsmodels' `smf.ols(formula, df).fit()` summary values.
`generate.R` adds R's `lm` on the same formulas.

Run: /tmp/venv/bin/python generate.py   (pandas, patsy, formulaic, statsmodels 0.15)
`anes96` and `cpunish` are held out: their checks were run once, not tuned against.
"""
import json, os
import numpy as np, pandas as pd, patsy, statsmodels.api as sm, statsmodels.formula.api as smf
import formulaic

here = os.path.dirname(os.path.abspath(__file__))


def grunfeld():
    d = sm.datasets.grunfeld.load_pandas().data.copy()
    d["firm"] = d["firm"].astype(str)
    d["year"] = d["year"].astype(int)
    d["postwar"] = d["year"] >= 1945
    d.loc[d.index % 37 == 5, "capital"] = np.nan
    return d


def fair():
    d = sm.datasets.fair.load_pandas().data.copy()
    jobs = {1: "student", 2: "farming", 3: "white collar", 4: "teacher", 5: "managerial", 6: "professional"}
    d["occupation"] = d["occupation"].astype(int).map(jobs)
    d["religious"] = d["religious"].astype(int)
    d["rate_marriage"] = d["rate_marriage"].astype(int)
    d["has_children"] = d["children"] > 0
    return d.iloc[:800].reset_index(drop=True)


def modechoice():
    d = sm.datasets.modechoice.load_pandas().data.copy()
    d["mode"] = d["mode"].astype(int).map({1: "air", 2: "train", 3: "bus", 4: "car"})
    d["chosen"] = d["choice"] == 1
    d["psize"] = d["psize"].astype(int)
    d.loc[d.index % 29 == 3, "hinc"] = np.nan
    d.loc[d.index % 41 == 7, "mode"] = np.nan
    return d.drop(columns=["choice", "individual"])


def anes96():
    d = sm.datasets.anes96.load_pandas().data.copy()
    d["PID"] = d["PID"].astype(int)
    d["vote"] = d["vote"] == 1
    d["educ"] = d["educ"].astype(int).map({1: "MS", 2: "HSdrop", 3: "HS", 4: "Coll", 5: "CCdeg", 6: "BAdeg", 7: "MAdeg"})
    d.loc[d.index % 53 == 11, "TVnews"] = np.nan
    return d


def cpunish():
    d = sm.datasets.cpunish.load_pandas().data.copy()
    d["SOUTH"] = d["SOUTH"] == 1
    d["region"] = np.where(d["SOUTH"], "south", np.where(d.index % 2 == 0, "west", "north"))
    return d


tables = {
    "grunfeld": (grunfeld, [
        ("invest ~ value + capital + C(firm)", "invest ~ firm + value + capital"),
        ("invest ~ value + C(firm, Treatment(\"IBM\")) + postwar", None),
        ("invest ~ C(firm, Sum) + value:postwar + np.log(value)", None),
        ("invest ~ center(value) + standardize(value) + I(value ** 2) + I((value - 1) / 2) - 1", None),
        ("invest + value ~ C(year) + postwar", None),
    ]),
    "fair": (fair, [
        ("affairs ~ occupation + C(rate_marriage) + age + yrs_married", "affairs ~ occupation + factor(rate_marriage) + age + yrs_married"),
        ("affairs ~ occupation * has_children + religious", "affairs ~ occupation * has_children + religious"),
        ("affairs ~ 0 + occupation + C(religious, Sum) + educ", None),
        ("affairs ~ (occupation + has_children + C(religious)) ** 2", None),
        ("affairs ~ occupation:age + log(age) + scale(educ)", None),
    ]),
    "modechoice": (modechoice, [
        ("gc ~ mode + chosen + hinc + psize", "gc ~ mode + chosen + hinc + psize"),
        ("gc ~ mode * hinc + C(psize)", None),
        ("ttme ~ mode:chosen + invt", None),
    ]),
    "anes96": (anes96, [
        ("selfLR ~ C(PID) + educ + vote + age + TVnews", "selfLR ~ factor(PID) + educ + vote + age + TVnews"),
        ("selfLR ~ educ * vote + np.log(popul + 1) + C(income)", None),
        ("ClinLR ~ C(PID, Treatment(3)) + educ:age + center(age)", None),
    ]),
    "cpunish": (cpunish, [
        ("EXECUTIONS ~ INCOME + PERPOVERTY + SOUTH", "EXECUTIONS ~ INCOME + PERPOVERTY + SOUTH"),
        ("EXECUTIONS ~ region + INCOME:SOUTH", None),
    ]),
}

log = np.log  # `log(age)` in a formula


def hexes(values):
    return [float(v).hex() for v in np.asarray(values, dtype=float).ravel()]


for name, (make, formulas) in tables.items():
    df = make()
    df.to_csv(os.path.join(here, name + ".csv"), index=False)
    cases = []
    for formula, r_formula in formulas:
        lhs, rhs = formula.split("~")
        y, X = patsy.dmatrices(formula, df, return_type="dataframe", NA_action="drop")
        names = [c for c in X.columns if c != "Intercept"]
        case = {
            "formula": formula,
            "names": names,
            "intercept": "Intercept" in X.columns,
            "targets": list(y.columns),
            "rows": [int(i) for i in X.index],
            "features": hexes(X[names].values),
            "y": hexes(y.values),
            "missingRows": int(len(df) - len(X)),
            "rank": int(np.linalg.matrix_rank(X.values)),
        }
        try:
            f = formulaic.model_matrix(rhs, df, na_action="drop")
            case["formulaicNames"] = list(f.columns)
        except Exception as error:  # formulaic lacks some of patsy's spellings
            case["formulaicNames"] = None
        if len(y.columns) == 1 and case["rank"] == X.shape[1]:
            fit = smf.ols(formula, df).fit()
            ci = fit.conf_int()
            case["ols"] = {
                "names": list(fit.params.index),
                "params": hexes(fit.params), "bse": hexes(fit.bse), "tvalues": hexes(fit.tvalues),
                "pvalues": hexes(fit.pvalues), "conf_low": hexes(ci[0]), "conf_high": hexes(ci[1]),
                "rsquared": fit.rsquared.hex(), "rsquared_adj": fit.rsquared_adj.hex(),
                "fvalue": float(fit.fvalue).hex() if fit.k_constant else None,
                "llf": fit.llf.hex(), "aic": fit.aic.hex(), "bic": fit.bic.hex(), "nobs": int(fit.nobs),
            }
        if r_formula:
            case["rFormula"] = r_formula
        cases.append(case)
    with open(os.path.join(here, name + ".json"), "w") as out:
        json.dump({"table": name, "cases": cases}, out, indent=1)
        out.write("\n")
    print(name, len(df), "rows;", ", ".join(f"{c['formula']} → {len(c['names'])}" for c in cases))
