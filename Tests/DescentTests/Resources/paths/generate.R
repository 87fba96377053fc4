# Writes glmnet.json: R glmnet's gaussian elastic-net paths on the CSV files that generate.py
# wrote into the folder given as the first argument, to the file given as the second. Called by generate.py; run it through that.
#
# For each data set and alpha in {1, 0.5, 0.1}:
#   "default": glmnet(x, y, alpha = alpha, thresh = 1e-14) -- glmnet's own lambda sequence
#              (100 values down to lambda.min.ratio = 1e-4 when n > p, else 1e-2, with its early
#              stop rules), standardize = TRUE, no weights;
#   "weighted": glmnet(x, y, alpha = alpha, lambda = given, weights = w, standardize = FALSE,
#              thresh = 1e-14) with given = lambda_max(default) * c(0.9, 0.5, 0.2, 0.1, 0.05,
#              0.02, 0.01, 0.005, 0.001) and the weights of weights.csv.
# "converged" is false where glmnet reported that a lambda did not converge within maxit (its
# jerr < 0: the path is cut there); the tests skip those.
suppressMessages({library(glmnet); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
names <- readLines(file.path(dir, "names.txt"))
out <- list()
for (name in names) {
  x <- as.matrix(read.csv(file.path(dir, paste0(name, "_X.csv")), header = FALSE))
  y <- read.csv(file.path(dir, paste0(name, "_y.csv")), header = FALSE)[[1]]
  w <- read.csv(file.path(dir, paste0(name, "_w.csv")), header = FALSE)[[1]]
  cases <- list()
  for (alpha in c(1, 0.5, 0.1)) {
    fit <- glmnet(x, y, family = "gaussian", alpha = alpha, thresh = 1e-14)
    given <- fit$lambda[1] * c(0.9, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.001)
    wfit <- glmnet(x, y, family = "gaussian", alpha = alpha, lambda = given, weights = w,
                   standardize = FALSE, thresh = 1e-14)
    for (kind in c("default", "weighted")) {
      f <- if (kind == "default") fit else wfit
      cases[[length(cases) + 1]] <- list(
        kind = kind, alpha = alpha, standardize = (kind == "default"), weighted = (kind == "weighted"),
        lambdas = f$lambda, intercepts = as.numeric(f$a0),
        coefficients = lapply(seq_along(f$lambda), function(k) as.numeric(f$beta[, k])),
        devianceExplained = f$dev.ratio, df = f$df,
        converged = (f$jerr == 0))
    }
  }
  out[[name]] <- cases
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE), args[2])

# cv.glmnet with the folds given (row i, zero-based, in fold i %% 5) at the default path's lambdas,
# alpha = 0.5, thresh = 1e-14: cvm, cvsd, lambda.min, lambda.1se. Written to args[3].
cv <- list()
for (name in c("diabetes", "stackloss", "fair")) {
  x <- as.matrix(read.csv(file.path(dir, paste0(name, "_X.csv")), header = FALSE))
  y <- read.csv(file.path(dir, paste0(name, "_y.csv")), header = FALSE)[[1]]
  fit <- glmnet(x, y, alpha = 0.5, thresh = 1e-14)
  foldid <- (seq_along(y) - 1) %% 5 + 1
  c5 <- cv.glmnet(x, y, alpha = 0.5, lambda = fit$lambda, foldid = foldid, thresh = 1e-14)
  cv[[name]] <- list(lambdas = c5$lambda, cvm = c5$cvm, cvsd = c5$cvsd, lambdaMin = c5$lambda.min,
                     lambda1se = c5$lambda.1se)
}
writeLines(toJSON(cv, digits = NA, auto_unbox = TRUE), args[3])
