/*===- C99Model.c - bpc runtime: a model written as generated C ----------===*\
|*                                                                          *|
|* Compiled as strict C99 with -pedantic -Werror, this proves the public    *|
|* headers are C and shows the code shape the compiler emits: constant      *|
|* descriptors, kernels, BPC_DEFINE_MODEL_API and one call wrapper per      *|
|* function.                                                                *|
|*                                                                          *|
\*===----------------------------------------------------------------------===*/

#include "C99Model.h"

#include "bpc/progress.h"
#include "bpc/random.h"

static const double accInitial[3] = {1.0, 2.0, 3.0};

static const bpc_var_desc c99mVars[] = {
    {"acc", BPC_F64, 1, {3}, accInitial},
};

static void accumulateKernel(void *const *args, const int64_t *symbols,
                             void *const *vars, void *const *results) {
  const double *x = (const double *)args[0];
  double *acc = (double *)vars[0];
  int i;
  (void)symbols;
  (void)results;
  for (i = 0; i < 3; ++i)
    acc[i] += x[i];
}

static void twiceKernel(void *const *args, const int64_t *symbols,
                        void *const *vars, void *const *results) {
  const float *x = (const float *)args[0];
  float *out = (float *)results[0];
  int64_t i;
  (void)vars;
  for (i = 0; i < symbols[0]; ++i)
    out[i] = 2.0f * x[i];
}

static const bpc_arg_desc accumulateArgs[] = {
    {"x", BPC_F64, 1, {3}, {-1}},
};
static const int32_t accumulateVars[] = {0};

static const bpc_arg_desc twiceArgs[] = {
    {"x", BPC_F32, 1, {-1}, {0}},
};
static const bpc_arg_desc twiceResults[] = {
    {"out", BPC_F32, 1, {-1}, {0}},
};
static const char *const twiceSymbols[] = {"n"};

static const bpc_func_desc c99mFuncs[] = {
    {"accumulate", 1, accumulateArgs, 0, 0, 1, accumulateVars, 0, 0,
     accumulateKernel},
    {"twice", 1, twiceArgs, 1, twiceResults, 0, 0, 1, twiceSymbols,
     twiceKernel},
};

static const bpc_model_desc c99mModel = {BPC_ABI_VERSION, "c99m", 1, c99mVars,
                                         2, c99mFuncs};

BPC_DEFINE_MODEL_API(c99m, c99mModel);

bpc_status c99m_accumulate(c99m_ctx *ctx, const bpc_array *x) {
  const bpc_array *args[1];
  args[0] = x;
  return bpc_ctx_call((bpc_ctx *)ctx, 0, args, 0);
}

bpc_status c99m_twice(c99m_ctx *ctx, const bpc_array *x, bpc_array *out) {
  const bpc_array *args[1];
  bpc_array *results[1];
  args[0] = x;
  results[0] = out;
  return bpc_ctx_call((bpc_ctx *)ctx, 1, args, results);
}
