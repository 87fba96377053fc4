# R's side of quantile.json (see generate_quantile.py, which runs this script and merges its output):
# weighted quantile regressions, quantreg::rq(y ~ X, tau, weights = w, method = "br"), and their
# summary(fit, se = "nid") standard errors, on stackloss and diabetes with the weights of
# generate_quantile.py's weight_sets (repeated here): "integer" w_i = 1 + (i %% 3), "fractional"
# w_i = 0.25 + ((7 i) %% 11) / 8, "with_zeros" as "integer" with w_i = 0 for i %% 5 == 2 (i 0-based).
# Output: lines "key<TAB>v1 v2 ..." with every double as C99 hex (sprintf "%a").
# Run: Rscript generate_quantile.R [outfile]   (needs r-cran-quantreg; deterministic)
suppressPackageStartupMessages(library(quantreg))
script_dir <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))))
source(file.path(script_dir, "shared.R"))  # args, data_dir, out, read_npy, emit
weight_sets <- function(n) {
    i <- 0:(n - 1)
    integer <- 1 + (i %% 3)
    list(integer = integer, fractional = 0.25 + ((7 * i) %% 11) / 8,
         with_zeros = ifelse(i %% 5 == 2, 0, integer))
}
for (name in c("stackloss", "diabetes")) {
    X <- read_npy(file.path(data_dir, paste0(name, "_X.npy")))
    y <- read_npy(file.path(data_dir, paste0(name, "_y.npy")))
    if (is.matrix(y)) y <- y[, 1]
    sets <- weight_sets(length(y))
    for (wname in names(sets)) {
        w <- sets[[wname]]
        for (tau in c(0.1, 0.5, 0.9)) {
            key <- sprintf("%s/%s/%s", name, wname, format(tau))
            br <- rq_br(y, X, tau, w)
            fit <- br$fit
            nonunique <- br$nonunique
            emit(paste0(key, "/coef"), coef(fit))
            emit(paste0(key, "/rho"), fit$rho)
            emit(paste0(key, "/nonunique"), as.numeric(nonunique))
            se <- tryCatch(suppressWarnings(summary(fit, se = "nid"))$coefficients[, 2], error = function(e) NA)
            emit(paste0(key, "/nid"), se)
        }
    }
}
cat("versions/R\t", R.version.string, "\n", sep = "", file = out)
cat("versions/quantreg\t", as.character(packageVersion("quantreg")), "\n", sep = "", file = out)
if (length(args)) close(out)
