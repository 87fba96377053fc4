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

args <- commandArgs(trailingOnly = TRUE)
script_dir <- local({
    a <- commandArgs(trailingOnly = FALSE)
    f <- sub("^--file=", "", a[grep("^--file=", a)])
    if (length(f)) dirname(normalizePath(f)) else getwd()
})
data_dir <- file.path(script_dir, "..", "realdata")
out <- if (length(args)) file(args[1], "w") else stdout()

read_npy <- function(path) {
    con <- file(path, "rb"); on.exit(close(con))
    magic <- readBin(con, "raw", 6)
    version <- as.integer(readBin(con, "raw", 2))
    hlen <- if (version[1] == 1) readBin(con, "integer", 1, size = 2, signed = FALSE, endian = "little")
            else readBin(con, "integer", 1, size = 4, endian = "little")
    header <- rawToChar(readBin(con, "raw", hlen))
    stopifnot(grepl("'<f8'", header, fixed = TRUE))
    fortran <- grepl("'fortran_order': True", header, fixed = TRUE)
    shape <- as.integer(strsplit(sub(".*'shape': \\(([^)]*)\\).*", "\\1", header), ",")[[1]])
    v <- readBin(con, "double", prod(shape), size = 8, endian = "little")
    if (length(shape) == 2) matrix(v, shape[1], shape[2], byrow = !fortran) else v
}

emit <- function(key, values) {
    txt <- if (is.null(values) || all(is.na(values))) "NA"
           else paste(sprintf("%a", as.numeric(values)), collapse = " ")
    cat(key, "\t", txt, "\n", sep = "", file = out)
}
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
        nonunique <- FALSE
        fit <- withCallingHandlers(rq(y ~ X, tau = tau, method = "br"),
            warning = function(w) {
                if (grepl("nonunique", conditionMessage(w))) nonunique <<- TRUE
                invokeRestart("muffleWarning")
            })
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
