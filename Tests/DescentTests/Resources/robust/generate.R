# R's side of reference.json (see generate.py, which runs this script and merges its output).
#
# For each data set of ../realdata (and diabetes_outliers, built by the same recipe as in
# generate.py: rows i with i %% 20 == 7, 0-based, get y + 1540):
#   quantreg::rq(y ~ X, tau, method = "br") for tau in 0.1, 0.5, 0.9: coefficients (intercept
#     first), rho = sum rho_tau(y - fitted) (R's objective, not divided by n), whether rq warned
#     that the solution may be nonunique, and summary(fit, se = "nid") standard errors;
#   quantreg::rq(..., method = "fn"): coefficients and rho (interior point, for comparison);
#   MASS::rlm(y ~ X, psi = psi.huber, k = 1.345, scale.est = "MAD", maxit = 1000, acc = 1e-14):
#     coefficients, scale (median(|r|) / 0.6745, MASS's rounded constant), iterations, converged.
# Output: lines "key<TAB>v1 v2 ..." with every double as C99 hex (sprintf "%a"), so nothing is
# lost in printing; a key whose computation failed gets the value "NA" and a line "key/error".
#
# Run: Rscript generate.R [outfile]   (needs r-cran-quantreg; MASS ships with R; deterministic)
suppressPackageStartupMessages({ library(quantreg); library(MASS) })

script_dir <- dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))))
source(file.path(script_dir, "shared.R"))  # args, data_dir, out, read_npy, emit

emit_text <- function(key, text) cat(key, "\t", gsub("[\t\n]", " ", text), "\n", sep = "", file = out)

sets <- c("ccard", "copper", "cpunish", "diabetes", "fair", "linnerud", "longley", "stackloss", "star98",
          "diabetes_outliers")
for (name in sets) {
    base <- if (name == "diabetes_outliers") "diabetes" else name
    X <- read_npy(file.path(data_dir, paste0(base, "_X.npy")))
    y <- read_npy(file.path(data_dir, paste0(base, "_y.npy")))
    if (is.matrix(y)) y <- y[, 1]
    if (name == "diabetes_outliers") {
        rows <- which((seq_along(y) - 1) %% 20 == 7)
        y[rows] <- y[rows] + 1540
    }
    for (tau in c(0.1, 0.5, 0.9)) {
        key <- sprintf("%s/rq/%s", name, format(tau))
        br <- rq_br(y, X, tau)
        fit <- br$fit
        nonunique <- br$nonunique
        emit(paste0(key, "/br/coef"), coef(fit))
        emit(paste0(key, "/br/rho"), fit$rho)
        emit(paste0(key, "/br/nonunique_warning"), as.numeric(nonunique))
        se <- tryCatch(suppressWarnings(summary(fit, se = "nid"))$coefficients[, 2],
                       error = function(e) { emit_text(paste0(key, "/nid/error"), conditionMessage(e)); NA })
        emit(paste0(key, "/nid/se"), se)
        fn <- tryCatch(suppressWarnings(rq(y ~ X, tau = tau, method = "fn")),
                       error = function(e) NULL)
        emit(paste0(key, "/fn/coef"), if (is.null(fn)) NA else coef(fn))
        emit(paste0(key, "/fn/rho"), if (is.null(fn)) NA else fn$rho)
    }
    key <- sprintf("%s/mass_rlm", name)
    r <- tryCatch(suppressWarnings(rlm(y ~ X, psi = psi.huber, k = 1.345, scale.est = "MAD",
                                       maxit = 1000, acc = 1e-14)),
                  error = function(e) { emit_text(paste0(key, "/error"), conditionMessage(e)); NULL })
    if (!is.null(r)) {
        emit(paste0(key, "/coef"), coef(r))
        emit(paste0(key, "/scale"), r$s)
        emit(paste0(key, "/iterations"), length(r$conv))
        emit(paste0(key, "/converged"), as.numeric(r$converged))
    }
}
emit_text("versions/R", R.version.string)
emit_text("versions/quantreg", as.character(packageVersion("quantreg")))
emit_text("versions/MASS", as.character(packageVersion("MASS")))
if (length(args)) close(out)
