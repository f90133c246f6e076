/*===- runtime.h - bpc runtime: arrays, statuses, contexts -------*- C -*-===*\
|*                                                                          *|
|* The public C ABI of DESIGN.md §4a. Every library that `bpc build` writes  *|
|* exports thin `<prefix>_*` wrappers over the generic `bpc_ctx_*` API here  *|
|* (see wrappers.h); `bpc run` uses the generic API in process. This header  *|
|* is plain C99 so that embedding programs in C can include it.             *|
|*                                                                          *|
\*===----------------------------------------------------------------------===*/

#ifndef BPC_RUNTIME_H
#define BPC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Fixed by DESIGN.md §4a; the numeric values are part of the ABI and of the
   state file format (runtime/README.md), so never reorder them. */
typedef enum {
  BPC_OK = 0,
  BPC_ERR_ARG,
  BPC_ERR_SHAPE,
  BPC_ERR_DTYPE,
  BPC_ERR_IO,
  BPC_ERR_DEVICE,
  BPC_ERR_INTERNAL
} bpc_status;

typedef enum { BPC_F32, BPC_F64, BPC_I32, BPC_I64, BPC_BOOL } bpc_dtype;

#define BPC_MAX_RANK 8

/* A dense, row-major array. The runtime never takes ownership of `data`
   passed in by the caller. BPC_BOOL elements are one byte, 0 or 1. */
typedef struct {
  void *data;
  bpc_dtype dtype;
  int32_t rank;
  int64_t shape[BPC_MAX_RANK];
} bpc_array;

/* Size in bytes of one element of `dtype`, or 0 for a value outside the enum. */
int32_t bpc_dtype_size(bpc_dtype dtype);
/* "f32", "f64", "i32", "i64", "bool", or "?" for a value outside the enum. */
const char *bpc_dtype_name(bpc_dtype dtype);
/* A constant name for a status ("BPC_ERR_SHAPE"), for logs and tests. */
const char *bpc_status_name(bpc_status status);

/*===--------------------------------------------------------------------===*
 * Contexts: one per model instance, owning every Variable.
 *
 * There is no global mutable state: independent contexts may be used from
 * different threads at the same time. One context must not be used by two
 * threads at once (calls on it are not synchronised).
 *===--------------------------------------------------------------------===*/

typedef struct bpc_ctx bpc_ctx;
/* What generated code provides; defined in model.h. */
typedef struct bpc_model_desc bpc_model_desc;

/* Creates a context for `model` (a `bpc_model_desc`, see model.h) with every
   Variable at its initial value. On failure *out is set to NULL (when `out`
   is not NULL) and the status says why: BPC_ERR_ARG for NULL pointers,
   BPC_ERR_INTERNAL for a malformed descriptor (bpc_model_check explains it)
   or an out-of-memory condition. `model` must outlive the context. */
bpc_status bpc_ctx_create(const bpc_model_desc *model, bpc_ctx **out);
void bpc_ctx_destroy(bpc_ctx *ctx);

/* The message of the last failed call on `ctx`, "" if none failed yet. The
   string stays valid until the next call on `ctx`. For a NULL `ctx` a fixed
   message is returned (a failed create has no context to hold a message). */
const char *bpc_ctx_last_error(const bpc_ctx *ctx);

/* Calls function number `func` of the model (index into model->funcs).
   `args` has model->funcs[func].num_args entries, `results` num_results.
   Every argument and result is checked before anything runs: pointers,
   dtype, rank, static dimensions, and that each symbolic dimension has one
   value across all arguments and caller-provided results. On error nothing
   runs and no Variable changes.
   A result whose `data` is NULL gets a buffer owned by the context, valid
   until the next call of the same function or destroy; its dtype, rank and
   shape are filled in. A result with non-NULL `data` must describe the
   expected dtype and shape and is written in place. */
bpc_status bpc_ctx_call(bpc_ctx *ctx, int32_t func, const bpc_array *const *args,
                        bpc_array *const *results);

/* Variables, in the model's order (the order of `vars()`, DESIGN.md §3). */
int bpc_ctx_var_count(const bpc_ctx *ctx);
/* The path of Variable `i` ("lr.w"), or NULL when `i` is out of range. */
const char *bpc_ctx_var_name(const bpc_ctx *ctx, int i);

/* Copies Variable `name` into the caller's buffer. With out->data == NULL it
   only fills out->dtype, rank and shape (a query, so the caller can size a
   buffer) and returns BPC_OK. With out->data != NULL, out->dtype, rank and
   shape must already match the Variable (BPC_ERR_DTYPE / BPC_ERR_SHAPE
   otherwise), then the data is copied. */
bpc_status bpc_ctx_get_var(bpc_ctx *ctx, const char *name, bpc_array *out);
/* Checks `in` against Variable `name` (dtype, rank, shape, non-NULL data)
   and copies it in. */
bpc_status bpc_ctx_set_var(bpc_ctx *ctx, const char *name, const bpc_array *in);

/* Writes every Variable to `path` in the format of runtime/README.md. The
   file is written under a temporary name and renamed, so a failed save
   leaves an existing file intact. */
bpc_status bpc_ctx_save(bpc_ctx *ctx, const char *path);
/* Reads a file written by bpc_ctx_save. All or nothing: the whole file is
   verified (magic, version, checksum, every Variable present once with the
   same dtype and shape, nothing extra) before any Variable changes;
   BPC_ERR_IO with a message otherwise. */
bpc_status bpc_ctx_load(bpc_ctx *ctx, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* BPC_RUNTIME_H */
