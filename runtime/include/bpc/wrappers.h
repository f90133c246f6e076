/*===- wrappers.h - bpc runtime: the per-model C ABI wrappers ----*- C -*-===*\
|*                                                                          *|
|* DESIGN.md §4a names every entry point after the model's prefix           *|
|* (`model_create`, `model_get_var`, ...). All of them but the calls are    *|
|* the same for every model, so instead of the compiler emitting them,      *|
|* generated C (or a test) writes                                          *|
|*                                                                          *|
|*   BPC_DECLARE_MODEL_API(model)          -- in the generated model.h      *|
|*   BPC_DEFINE_MODEL_API(model, model_desc) -- once, beside the descriptor *|
|*                                                                          *|
|* and one wrapper per exported function, by hand, because its parameter    *|
|* list is the function's own:                                              *|
|*                                                                          *|
|*   bpc_status model_selu_jit(model_ctx *ctx, const bpc_array *x,          *|
|*                             bpc_array *out) {                            *|
|*     const bpc_array *args[] = {x};                                       *|
|*     bpc_array *results[] = {out};                                        *|
|*     return bpc_ctx_call((bpc_ctx *)ctx, 0, args, results);               *|
|*   }                                                                      *|
|*                                                                          *|
|* (a function without arguments or results passes NULL for that array).    *|
|* A compiler emitting LLVM IR directly emits the same bodies: each wrapper *|
|* is one call with the context pointer passed through unchanged, since     *|
|* `prefix_ctx` is only ever an opaque name for `bpc_ctx`.                  *|
|*                                                                          *|
\*===----------------------------------------------------------------------===*/

#ifndef BPC_WRAPPERS_H
#define BPC_WRAPPERS_H

#include "bpc/model.h"
#include "bpc/runtime.h"

#if defined(__GNUC__) || defined(__clang__)
#define BPC_EXPORT __attribute__((visibility("default")))
#else
#define BPC_EXPORT
#endif

/* The context type and the fixed entry points of DESIGN.md §4a. */
#define BPC_DECLARE_MODEL_API(prefix)                                          \
  typedef struct prefix##_ctx prefix##_ctx;                                    \
  bpc_status prefix##_create(prefix##_ctx **out);                              \
  void prefix##_destroy(prefix##_ctx *ctx);                                    \
  const char *prefix##_last_error(const prefix##_ctx *ctx);                    \
  int prefix##_var_count(const prefix##_ctx *ctx);                             \
  const char *prefix##_var_name(const prefix##_ctx *ctx, int i);               \
  bpc_status prefix##_get_var(prefix##_ctx *ctx, const char *name,             \
                              bpc_array *out);                                 \
  bpc_status prefix##_set_var(prefix##_ctx *ctx, const char *name,             \
                              const bpc_array *in);                            \
  bpc_status prefix##_save(prefix##_ctx *ctx, const char *path);               \
  bpc_status prefix##_load(prefix##_ctx *ctx, const char *path)

/* Definitions over the descriptor `desc` (an lvalue of type bpc_model_desc).
   Needs BPC_DECLARE_MODEL_API(prefix) before it. */
#define BPC_DEFINE_MODEL_API(prefix, desc)                                     \
  BPC_EXPORT bpc_status prefix##_create(prefix##_ctx **out) {                  \
    bpc_ctx *ctx = 0;                                                          \
    bpc_status status;                                                         \
    if (!out)                                                                  \
      return BPC_ERR_ARG;                                                      \
    status = bpc_ctx_create(&(desc), &ctx);                                    \
    *out = (prefix##_ctx *)ctx;                                                \
    return status;                                                             \
  }                                                                            \
  BPC_EXPORT void prefix##_destroy(prefix##_ctx *ctx) {                        \
    bpc_ctx_destroy((bpc_ctx *)ctx);                                           \
  }                                                                            \
  BPC_EXPORT const char *prefix##_last_error(const prefix##_ctx *ctx) {        \
    return bpc_ctx_last_error((const bpc_ctx *)ctx);                           \
  }                                                                            \
  BPC_EXPORT int prefix##_var_count(const prefix##_ctx *ctx) {                 \
    return bpc_ctx_var_count((const bpc_ctx *)ctx);                            \
  }                                                                            \
  BPC_EXPORT const char *prefix##_var_name(const prefix##_ctx *ctx, int i) {   \
    return bpc_ctx_var_name((const bpc_ctx *)ctx, i);                          \
  }                                                                            \
  BPC_EXPORT bpc_status prefix##_get_var(prefix##_ctx *ctx, const char *name,  \
                                         bpc_array *out) {                     \
    return bpc_ctx_get_var((bpc_ctx *)ctx, name, out);                         \
  }                                                                            \
  BPC_EXPORT bpc_status prefix##_set_var(prefix##_ctx *ctx, const char *name,  \
                                         const bpc_array *in) {                \
    return bpc_ctx_set_var((bpc_ctx *)ctx, name, in);                          \
  }                                                                            \
  BPC_EXPORT bpc_status prefix##_save(prefix##_ctx *ctx, const char *path) {   \
    return bpc_ctx_save((bpc_ctx *)ctx, path);                                 \
  }                                                                            \
  BPC_EXPORT bpc_status prefix##_load(prefix##_ctx *ctx, const char *path) {   \
    return bpc_ctx_load((bpc_ctx *)ctx, path);                                 \
  }                                                                            \
  typedef int prefix##_model_api_defined_ /* swallows the caller's ';' */

#endif /* BPC_WRAPPERS_H */
