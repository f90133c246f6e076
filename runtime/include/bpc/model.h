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

/* Static arguments (static_argnames / static_argnums of bm.jit). Each set
   of static values a model was built for is a function of its own in
   `funcs`; the entry point passes the caller's static values and the
   dispatch table to bpc_ctx_call_static, which calls the function compiled
   for them. A compiled value is a Python bool, int, float or str: */
typedef enum {
  BPC_STATIC_BOOL,
  BPC_STATIC_INT,
  BPC_STATIC_FLOAT,
  BPC_STATIC_STR
} bpc_static_kind;

typedef struct {
  bpc_static_kind kind;
  int64_t i;        /* BOOL (0 or 1) and INT */
  double f;         /* FLOAT */
  const char *s;    /* STR */
  const char *repr; /* Python's repr, for messages: "1.0", "'tanh'" */
} bpc_static_value;

/* The specialisations of one exported function: num_specs rows of
   num_params values (row-major) and the index into model->funcs of each. */
typedef struct {
  const char *name;
  int32_t num_params;
  const char *const *param_names;
  int32_t num_specs;
  const bpc_static_value *values;
  const int32_t *funcs;
} bpc_static_dispatch;

/* A static argument as the caller passed it: a number or a boolean is a
   0-d array of any dtype (`string` NULL), a string a NUL-terminated UTF-8
   string (`array` NULL). */
typedef struct {
  const bpc_array *array;
  const char *string;
} bpc_static_arg;

/* Finds the first row of `dispatch` whose values equal `statics` (one per
   static parameter) and calls its function as bpc_ctx_call does. Numbers
   compare by value as Python compares them (1 == 1.0 == True), except
   that an f32 argument matches a compiled float rounded to f32 (2.3f
   matches 2.3); strings compare bytewise. No matching row is BPC_ERR_ARG
   with a message that lists the compiled values; nothing runs then and no
   Variable changes. */
bpc_status bpc_ctx_call_static(bpc_ctx *ctx, const bpc_static_dispatch *dispatch,
                               const bpc_static_arg *statics,
                               const bpc_array *const *args,
                               bpc_array *const *results);

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
