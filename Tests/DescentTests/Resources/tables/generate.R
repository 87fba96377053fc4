# R's lm on the formulas of generate.py that carry an "rFormula" (the same model in R's spellings),
# on the same CSV files: coefficients and standard errors as 17 significant digits, put in patsy's
# column order by matching each of patsy's design columns (read from the JSON) to the column of
# R's model matrix that holds the same values. Run after generate.py:  Rscript generate.R
library(jsonlite)
Sys.setlocale("LC_COLLATE", "C")   # levels sorted by code point, as patsy sorts them
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
for (name in c("grunfeld", "fair", "modechoice", "anes96", "cpunish")) {
  cases <- fromJSON(file.path(here, paste0(name, ".json")), simplifyVector = FALSE)$cases
  data <- read.csv(file.path(here, paste0(name, ".csv")), stringsAsFactors = TRUE,
                   na.strings = c("", "NA"))
  out <- list()
  for (case in cases) {
    if (is.null(case$rFormula)) next
    fit <- lm(as.formula(case$rFormula), data = data)
    s <- coef(summary(fit))
    mm <- model.matrix(fit)
    x <- matrix(as.numeric(unlist(case$features)), ncol = length(case$names), byrow = TRUE)
    order <- c(1, sapply(seq_along(case$names), function(j) {
      k <- which(apply(mm, 2, function(column) isTRUE(all.equal(unname(column), x[, j], tolerance = 0))))
      stopifnot(length(k) == 1)
      k
    }))
    s <- s[order, , drop = FALSE]
    out[[length(out) + 1]] <- list(formula = case$formula, rFormula = case$rFormula, names = rownames(s),
                                   coefficients = sprintf("%.17g", s[, 1]), standardErrors = sprintf("%.17g", s[, 2]),
                                   rSquared = sprintf("%.17g", summary(fit)$r.squared), nobs = nobs(fit))
  }
  writeLines(toJSON(list(table = name, cases = out), auto_unbox = TRUE, pretty = TRUE),
             file.path(here, paste0(name, ".R.json")))
}
