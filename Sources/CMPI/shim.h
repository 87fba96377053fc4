// Open MPI for DescentMPI: <mpi.h>, plus getters for the handles Swift cannot import.
//
// Open MPI spells its predefined handles (MPI_COMM_WORLD, MPI_DOUBLE, MPI_SUM, …) as macros that
// cast the address of a global object; Swift imports only macros that are plain constants, so
// each handle DescentMPI uses gets a static inline function here that returns it.
#ifndef DESCENT_CMPI_SHIM_H
#define DESCENT_CMPI_SHIM_H

#include <mpi.h>

static inline MPI_Comm descent_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Comm descent_mpi_comm_null(void) { return MPI_COMM_NULL; }

static inline MPI_Datatype descent_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype descent_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype descent_mpi_long_long(void) { return MPI_LONG_LONG; }
static inline MPI_Datatype descent_mpi_byte(void) { return MPI_BYTE; }

static inline MPI_Op descent_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op descent_mpi_max(void) { return MPI_MAX; }
static inline MPI_Op descent_mpi_min(void) { return MPI_MIN; }

static inline void *descent_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Status *descent_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Errhandler descent_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }

static inline int descent_mpi_thread_single(void) { return MPI_THREAD_SINGLE; }
static inline int descent_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int descent_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline int descent_mpi_thread_multiple(void) { return MPI_THREAD_MULTIPLE; }
static inline int descent_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }

#endif
