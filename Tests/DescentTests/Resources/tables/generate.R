# R's lm on the formulas of generate.py that carry an "rFormula" (written with R's spellings and
# terms in patsy's column order), on the same CSV files: coefficients and standard errors as
# 17 significant digits. Run after generate.py:  Rscript generate.R
library(jsonlite)
Sys.setlocale("LC_COLLATE", "C")   # levels sorted by code point, as patsy sorts them
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
for (name in c("grunfeld", "fair", "modechoice", "anes96", "cpunish")) {
  cases <- fromJSON(file.path(here, paste0(name, ".json")), simplifyVector = FALSE)$cases
  data <- read.csv(file.path(here, paste0(name, ".csv")), stringsAsFactors = TRUE)
  out <- list()
  for (case in cases) {
    if (is.null(case$rFormula)) next
    fit <- lm(as.formula(case$rFormula), data = data)
    s <- coef(summary(fit))
    out[[length(out) + 1]] <- list(formula = case$formula, rFormula = case$rFormula, names = rownames(s),
                                   coefficients = sprintf("%.17g", s[, 1]), standardErrors = sprintf("%.17g", s[, 2]),
                                   rSquared = sprintf("%.17g", summary(fit)$r.squared), nobs = nobs(fit))
  }
  writeLines(toJSON(list(table = name, cases = out), auto_unbox = TRUE, pretty = TRUE),
             file.path(here, paste0(name, ".R.json")))
}
