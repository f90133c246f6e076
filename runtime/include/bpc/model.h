/*===- model.h - bpc runtime: what a compiled model provides -----*- C -*-===*\
|*                                                                          *|
|* The descriptor that `bpc build` emits for a model and hands to           *|
|* bpc_ctx_create. Everything here is constant data plus one kernel         *|
|* function per exported jitted callable; the runtime owns all mutable      *|
|* state, so generated code needs no allocation or error handling of its    *|
|* own. Plain C99.                                                          *|
|*                                                                          *|
\*===----------------------------------------------------------------------===*/

#ifndef BPC_MODEL_H
#define BPC_MODEL_H

#include "bpc/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a struct below changes layout or meaning; bpc_ctx_create
   rejects a descriptor built against another version. */
#define BPC_ABI_VERSION 1

/* A Variable, e.g. "lr.w". `initial` holds its row-major initial data
   (bpc_dtype_size(dtype) * product(shape) bytes); NULL means all zeros. */
typedef struct {
  const char *name;
  bpc_dtype dtype;
  int32_t rank;
  int64_t shape[BPC_MAX_RANK];
  const void *initial;
} bpc_var_desc;

/* An argument or result. shape[i] = -1 with dim_symbol[i] >= 0 (an index
   into the function's symbol_names) for a symbolic dimension; otherwise
   shape[i] >= 0 and dim_symbol[i] = -1. */
typedef struct {
  const char *name;
  bpc_dtype dtype;
  int32_t rank;
  int64_t shape[BPC_MAX_RANK];
  int32_t dim_symbol[BPC_MAX_RANK];
} bpc_arg_desc;

/* The compiled body: data pointers of args (in order), the resolved value of
   each symbolic dim, data pointers of the dyn Variables it uses (updated in
   place), data pointers of its results. Called only after every check has
   passed; it must not fail. */
typedef void (*bpc_kernel_fn)(void *const *args, const int64_t *symbols,
                              void *const *vars, void *const *results);

typedef struct {
  const char *name;
  int32_t num_args;
  const bpc_arg_desc *args;
  int32_t num_results;
  const bpc_arg_desc *results;
  int32_t num_vars;
  const int32_t *var_indices; /* dyn Variables, indices into model vars */
  int32_t num_symbols;
  const char *const *symbol_names;
  bpc_kernel_fn kernel;
} bpc_func_desc;

struct bpc_model_desc {
  int32_t abi_version; /* BPC_ABI_VERSION */
  const char *model_name;
  int32_t num_vars;
  const bpc_var_desc *vars;
  int32_t num_funcs;
  const bpc_func_desc *funcs;
};

/* Checks a descriptor the way bpc_ctx_create does (ABI version, names
   present and Variable names unique, dtypes and ranks in range, dims
   non-negative or symbolic with a valid symbol, var_indices in range, every
   symbol of a result bound by some argument, kernels present). Returns
   BPC_OK, or BPC_ERR_INTERNAL and writes a NUL-terminated message of at most
   `cap` bytes into `msg` (when `msg` is not NULL). For the compiler's tests:
   a failed bpc_ctx_create has no context to carry the message. */
bpc_status bpc_model_check(const bpc_model_desc *model, char *msg, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* BPC_MODEL_H */
