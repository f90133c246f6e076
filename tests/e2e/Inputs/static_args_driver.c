/* Calls libstatic_args.so (Inputs/static_args.bpm) through its C ABI: each
   static value dispatches to its own specialisation, a value that was not
   compiled is BPC_ERR_ARG with a message listing the compiled ones and
   changes no Variable. Expected values are the model's formulas in C. */
#include "static_args.h"

#include <math.h>
#include <stdio.h>

static static_args_ctx *ctx;

static const char *statusName(bpc_status s) {
  switch (s) {
  case BPC_OK: return "OK";
  case BPC_ERR_ARG: return "ERR_ARG";
  case BPC_ERR_SHAPE: return "ERR_SHAPE";
  case BPC_ERR_DTYPE: return "ERR_DTYPE";
  default: return "other";
  }
}

/* f_jit(x) with x given as a 0-d array of `dtype`. */
static void callF(const char *label, bpc_dtype dtype, double value) {
  double f64 = value;
  float f32 = (float)value;
  int32_t i32 = (int32_t)value;
  int64_t i64 = (int64_t)value;
  void *data = dtype == BPC_F64 ? (void *)&f64
               : dtype == BPC_F32 ? (void *)&f32
               : dtype == BPC_I32 ? (void *)&i32
                                  : (void *)&i64;
  bpc_array x = {data, dtype, 0, {0}};
  bpc_array out = {NULL, BPC_F32, 0, {0}};
  bpc_status s = static_args_f_jit(ctx, &x, &out);
  if (s == BPC_OK)
    printf("f_jit(%s) = %g\n", label, *(float *)out.data);
  else
    printf("f_jit(%s): %s: %s\n", label, statusName(s), static_args_last_error(ctx));
}

static float total(void) {
  float t = -1;
  bpc_array a = {&t, BPC_F32, 1, {1}};
  if (static_args_get_var(ctx, "counter.total", &a) != BPC_OK)
    printf("get_var failed: %s\n", static_args_last_error(ctx));
  return t;
}

int main(void) {
  if (static_args_create(&ctx) != BPC_OK) {
    printf("create failed\n");
    return 1;
  }
  /* --specialize 'f_jit(x=1.0)' --specialize 'f_jit(x=5.0)' */
  callF("x=1.0 f64", BPC_F64, 1.0);
  callF("x=5.0 f64", BPC_F64, 5.0);
  callF("x=1 i32", BPC_I32, 1.0);
  callF("x=5 i64", BPC_I64, 5.0);
  callF("x=5.0 f32", BPC_F32, 5.0);
  callF("x=2.5 f64", BPC_F64, 2.5);
  callF("x=1e16 f64", BPC_F64, 1e16);
  callF("x=3 i64", BPC_I64, 3.0);
  {
    uint8_t yes = 1;
    bpc_array x = {&yes, BPC_BOOL, 0, {0}};
    bpc_array out = {NULL, BPC_F32, 0, {0}};
    bpc_status s = static_args_f_jit(ctx, &x, &out);
    printf("f_jit(x=True) = %s %g\n", statusName(s), s == BPC_OK ? *(float *)out.data : 0.0f);
  }
  {
    double two[2] = {1.0, 5.0};
    bpc_array x = {two, BPC_F64, 1, {2}};
    bpc_array out = {NULL, BPC_F32, 0, {0}};
    bpc_status s = static_args_f_jit(ctx, &x, &out);
    printf("f_jit(x rank 1): %s: %s\n", statusName(s), static_args_last_error(ctx));
    s = static_args_f_jit(ctx, NULL, &out);
    printf("f_jit(x NULL): %s: %s\n", statusName(s), static_args_last_error(ctx));
  }

  /* act_jit: mode='relu' and mode='tanh' from the module's own calls. */
  {
    float v[3] = {-1.0f, 0.5f, 2.0f};
    bpc_array in = {v, BPC_F32, 1, {3}};
    bpc_array out = {NULL, BPC_F32, 1, {3}};
    bpc_status s = static_args_act_jit(ctx, &in, "relu", &out);
    float *r = (float *)out.data;
    printf("act_jit(relu) %s: %g %g %g\n", statusName(s), r[0], r[1], r[2]);
    s = static_args_act_jit(ctx, &in, "tanh", &out);
    r = (float *)out.data;
    float err = 0;
    for (int i = 0; i < 3; ++i)
      err = fmaxf(err, fabsf(r[i] - tanhf(v[i])));
    printf("act_jit(tanh) %s: max abs diff from tanhf %s\n", statusName(s),
           err <= 1e-6f ? "<= 1e-6" : "too large");
    s = static_args_act_jit(ctx, &in, "sigmoid", &out);
    printf("act_jit(sigmoid): %s: %s\n", statusName(s), static_args_last_error(ctx));
    s = static_args_act_jit(ctx, &in, "it's", &out);
    printf("act_jit(it's): %s: %s\n", statusName(s), static_args_last_error(ctx));
    s = static_args_act_jit(ctx, &in, NULL, &out);
    printf("act_jit(NULL): %s: %s\n", statusName(s), static_args_last_error(ctx));
  }

  /* add_jit(k, v, twice), static_argnums=(0, 2): k=2, twice=True from the
     module's calls, which also left counter.total at 8 + 16, and k=3,
     twice=False from --specialize. */
  {
    float v[3] = {1.0f, 2.0f, 3.0f};
    double k = 2.0;
    int32_t kBad = 3, one = 1;
    uint8_t yes = 1, no = 0;
    bpc_array in = {v, BPC_F32, 1, {3}};
    bpc_array kArr = {&k, BPC_F64, 0, {0}};
    bpc_array kBadArr = {&kBad, BPC_I32, 0, {0}};
    bpc_array yesArr = {&yes, BPC_BOOL, 0, {0}};
    bpc_array noArr = {&no, BPC_BOOL, 0, {0}};
    bpc_array oneArr = {&one, BPC_I32, 0, {0}};
    bpc_array out = {NULL, BPC_F32, 1, {3}};
    printf("total at create = %g\n", total());
    bpc_status s = static_args_add_jit(ctx, &kArr, &in, &yesArr, &out);
    float *r = (float *)out.data;
    printf("add_jit(k=2.0, twice=True) %s: %g %g %g; total = %g\n", statusName(s), r[0], r[1],
           r[2], total());
    s = static_args_add_jit(ctx, &kBadArr, &in, &yesArr, &out);
    printf("add_jit(k=3, twice=True): %s: %s; total = %g\n", statusName(s),
           static_args_last_error(ctx), total());
    s = static_args_add_jit(ctx, &kArr, &in, &noArr, &out);
    printf("add_jit(k=2.0, twice=False): %s: %s; total = %g\n", statusName(s),
           static_args_last_error(ctx), total());
    s = static_args_add_jit(ctx, &kArr, &in, &oneArr, &out);
    printf("add_jit(k=2.0, twice=1) %s; total = %g\n", statusName(s), total());
    /* --specialize 'add_jit(3, twice=False)' */
    s = static_args_add_jit(ctx, &kBadArr, &in, &noArr, &out);
    r = (float *)out.data;
    printf("add_jit(k=3, twice=False) %s: %g %g %g; total = %g\n", statusName(s), r[0], r[1],
           r[2], total());
  }
  static_args_destroy(ctx);
  return 0;
}
