"""Writes the real data sets the default-configuration tests train on, standardised (each feature
column centred and divided by its population standard deviation), as float64 .npy files:
scikit-learn's diabetes and the first target of linnerud; statsmodels' longley, stackloss, ccard,
fair, star98, copper and cpunish. Run once with scikit-learn and statsmodels; the tests need no Python."""
import numpy as np, statsmodels.api as sm
from sklearn import datasets

sets = {"diabetes": (datasets.load_diabetes().data, datasets.load_diabetes().target)}
linnerud = datasets.load_linnerud()
sets["linnerud"] = (linnerud.data, linnerud.target[:, 0])
for name in ["longley", "stackloss", "ccard", "fair", "star98", "copper", "cpunish"]:
    data = getattr(sm.datasets, name).load_pandas()
    y = np.asarray(data.endog, dtype=float)
    sets[name] = (np.asarray(data.exog, dtype=float), y[:, 0] if y.ndim > 1 else y)
for name, (x, y) in sets.items():
    np.save(f"{name}_X.npy", (x - x.mean(0)) / x.std(0))
    np.save(f"{name}_y.npy", y)
