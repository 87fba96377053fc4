# Shared by generate.R and generate_quantile.R (sourced with `script_dir` set):
# args, data_dir (../realdata), out (the file named by the first argument, else stdout);
# read_npy(path): a float64 .npy file (1-D or 2-D, C or Fortran order) as an R vector or matrix;
# rq_br(y, X, tau, w): quantreg::rq(y ~ X, tau, weights = w, method = "br") and whether it warned that the solution may be nonunique;
# emit(key, values): a line "key<TAB>v1 v2 ..." on `out`, every double as C99 hex ("NA" if missing).
args <- commandArgs(trailingOnly = TRUE)
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
rq_br <- function(y, X, tau, w = NULL) {
    nonunique <- FALSE
    fit <- withCallingHandlers(
        if (is.null(w)) rq(y ~ X, tau = tau, method = "br") else rq(y ~ X, tau = tau, weights = w, method = "br"),
        warning = function(cond) {
            if (grepl("nonunique", conditionMessage(cond))) nonunique <<- TRUE
            invokeRestart("muffleWarning")
        })
    list(fit = fit, nonunique = nonunique)
}
