// The only C that Descent sees: CBLAS (OpenBLAS) and LAPACKE.
#include <cblas.h>
#include <lapacke.h>
