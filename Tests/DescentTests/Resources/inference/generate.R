# R's numbers for the inference reference (called by generate.py with its cases file and an output
# path): sandwich::vcovHC (HC0-HC3), vcovCL (type HC1, cadjust TRUE: its defaults for lm; one- and
# two-way), NeweyWest(lag, prewhite = FALSE, adjust = FALSE / TRUE) and with lag = NULL (the
# automatic bandwidth bwNeweyWest(prewhite = FALSE)), car::vif, influence.measures, rstandard,
# rstudent, predict(interval =).
suppressMessages({library(jsonlite); library(sandwich); library(car)})
args <- commandArgs(trailingOnly = TRUE)
cases <- fromJSON(args[1], simplifyVector = TRUE, simplifyMatrix = TRUE)$cases
out <- list()
for (k in seq_len(nrow(cases))) {
  x <- as.matrix(cases$x[[k]]); y <- cases$y[[k]]; n <- length(y); w <- cases$weights[[k]]
  d <- data.frame(y = y, x)
  fit <- if (is.null(w)) lm(y ~ ., data = d) else lm(y ~ ., data = d, weights = w)
  i <- 0:(n - 1); g1 <- i %% 7; g2 <- i %% 5
  se <- function(v) unname(sqrt(diag(v)))
  lags <- cases$lags[k]
  bse <- list(hc0 = se(vcovHC(fit, type = "HC0")), hc1 = se(vcovHC(fit, type = "HC1")),
              hc2 = se(vcovHC(fit, type = "HC2")), hc3 = se(vcovHC(fit, type = "HC3")),
              hac = se(NeweyWest(fit, lag = lags, prewhite = FALSE, adjust = FALSE)),
              hac_corrected = se(NeweyWest(fit, lag = lags, prewhite = FALSE, adjust = TRUE)),
              hac_auto = se(NeweyWest(fit, lag = NULL, prewhite = FALSE, adjust = FALSE)),
              cluster = se(vcovCL(fit, cluster = g1)),
              cluster2 = se(vcovCL(fit, cluster = data.frame(g1, g2))))
  im <- influence.measures(fit)$infmat
  newd <- data.frame(as.matrix(cases$newX[[k]])); names(newd) <- names(d)[-1]
  pr <- predict(fit, newd, interval = "prediction", level = 0.95)
  cf <- predict(fit, newd, interval = "confidence", level = 0.95)
  out[[k]] <- list(bse = bse, bandwidth = bwNeweyWest(fit, prewhite = FALSE),
                   influence = list(leverage = unname(hatvalues(fit)), studentized = unname(rstandard(fit)),
                                    externallyStudentized = unname(rstudent(fit)),
                                    cooksDistance = unname(cooks.distance(fit)), dffits = unname(dffits(fit))),
                   vif = unname(if (ncol(x) > 1) vif(fit) else 1),
                   prediction = list(mean = unname(cf[, 1]), meanLower = unname(cf[, 2]), meanUpper = unname(cf[, 3]),
                                     obsLower = unname(pr[, 2]), obsUpper = unname(pr[, 3])))
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"), args[2])
