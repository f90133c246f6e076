/*===- C99Model.h - bpc runtime: a model API declared as generated C -*- C -*-===*\
|*                                                                          *|
|* What `bpc build` would write as model.h for a tiny model "c99m": the     *|
|* fixed entry points from BPC_DECLARE_MODEL_API plus one wrapper per       *|
|* function. Included by C99Model.c (C99) and by the unit tests (C++).      *|
|*                                                                          *|
\*===----------------------------------------------------------------------===*/

#ifndef BPC_RUNTIME_TEST_C99MODEL_H
#define BPC_RUNTIME_TEST_C99MODEL_H

#include "bpc/wrappers.h"

#ifdef __cplusplus
extern "C" {
#endif

BPC_DECLARE_MODEL_API(c99m);

/* acc += x, with x: f64[3] and the Variable "acc": f64[3]. */
bpc_status c99m_accumulate(c99m_ctx *ctx, const bpc_array *x);
/* out = 2 * x, with x, out: f32[n]. */
bpc_status c99m_twice(c99m_ctx *ctx, const bpc_array *x, bpc_array *out);

#ifdef __cplusplus
}
#endif

#endif /* BPC_RUNTIME_TEST_C99MODEL_H */
