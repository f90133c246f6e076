//===- TestModel.h - a hand-written model for the runtime tests -*- C++ -*-===//
//
// What `bpc build` would emit for a small model, with the kernels written as
// plain loops: Variables `lr.w` (f32[3]), `lr.b` (f32[]) and `steps`
// (i64[]); `selu(x: f32[n]) -> f32[n]`; and
// `lr_step(X: f32[n, 3], Y: f32[n]) -> loss: f32[]`, one gradient step of
// least squares that updates all three Variables in place.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TESTS_UNIT_RUNTIME_TESTMODEL_H
#define BPC_TESTS_UNIT_RUNTIME_TESTMODEL_H

#include "bpc/model.h"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace bpc::rt::test {

enum : int32_t { kSelu = 0, kLrStep = 1 };

inline float selu(float x) {
  const float scale = 1.0507009873554805f, alpha = 1.6732632423543772f;
  return scale * (x > 0 ? x : alpha * (std::exp(x) - 1.0f));
}

inline void seluKernel(void *const *args, const int64_t *symbols, void *const *,
                       void *const *results) {
  const auto *x = static_cast<const float *>(args[0]);
  auto *out = static_cast<float *>(results[0]);
  for (int64_t i = 0; i < symbols[0]; ++i)
    out[i] = selu(x[i]);
}

/// The reference step, also used by the tests to predict Variable values.
inline float lrStep(const float *X, const float *Y, int64_t n, float *w,
                    float *b) {
  float gw[3] = {0, 0, 0}, gb = 0, loss = 0;
  for (int64_t i = 0; i < n; ++i) {
    float err = X[3 * i] * w[0] + X[3 * i + 1] * w[1] + X[3 * i + 2] * w[2] +
                *b - Y[i];
    loss += err * err;
    for (int j = 0; j < 3; ++j)
      gw[j] += 2 * err * X[3 * i + j];
    gb += 2 * err;
  }
  for (int j = 0; j < 3; ++j)
    w[j] -= 0.1f * gw[j] / float(n);
  *b -= 0.1f * gb / float(n);
  return loss / float(n);
}

inline void lrStepKernel(void *const *args, const int64_t *symbols,
                         void *const *vars, void *const *results) {
  *static_cast<float *>(results[0]) =
      lrStep(static_cast<const float *>(args[0]),
             static_cast<const float *>(args[1]), symbols[0],
             static_cast<float *>(vars[0]), static_cast<float *>(vars[1]));
  *static_cast<int64_t *>(vars[2]) += 1;
}

inline const float kInitialW[3] = {0.5f, -0.25f, 1.0f};
inline const float kInitialB = 0.125f;
inline const int64_t kInitialSteps = 0;

inline const bpc_var_desc kVars[] = {
    {"lr.w", BPC_F32, 1, {3}, kInitialW},
    {"lr.b", BPC_F32, 0, {}, &kInitialB},
    {"steps", BPC_I64, 0, {}, &kInitialSteps},
};

inline const char *const kSymbolN[] = {"n"};

inline const bpc_arg_desc kSeluArgs[] = {{"x", BPC_F32, 1, {-1}, {0}}};
inline const bpc_arg_desc kSeluResults[] = {{"out", BPC_F32, 1, {-1}, {0}}};

inline const bpc_arg_desc kLrArgs[] = {
    {"X", BPC_F32, 2, {-1, 3}, {0, -1}},
    {"Y", BPC_F32, 1, {-1}, {0}},
};
inline const bpc_arg_desc kLrResults[] = {{"loss", BPC_F32, 0, {}, {}}};
inline const int32_t kLrVars[] = {0, 1, 2};

inline const bpc_func_desc kFuncs[] = {
    {"selu", 1, kSeluArgs, 1, kSeluResults, 0, nullptr, 1, kSymbolN,
     seluKernel},
    {"lr_step", 2, kLrArgs, 1, kLrResults, 3, kLrVars, 1, kSymbolN,
     lrStepKernel},
};

inline const bpc_model_desc kModel = {BPC_ABI_VERSION, "test", 3, kVars, 2,
                                      kFuncs};

/// An array descriptor over `data` (not owned).
inline bpc_array makeArray(void *data, bpc_dtype dtype,
                           std::vector<int64_t> shape) {
  bpc_array a{};
  a.data = data;
  a.dtype = dtype;
  a.rank = static_cast<int32_t>(shape.size());
  for (size_t i = 0; i < shape.size(); ++i)
    a.shape[i] = shape[i];
  return a;
}

/// The bytes of every Variable, to check that a failed call changed none.
inline std::vector<std::string> snapshot(bpc_ctx *ctx) {
  std::vector<std::string> out;
  for (int i = 0; i < bpc_ctx_var_count(ctx); ++i) {
    bpc_array a{};
    const char *name = bpc_ctx_var_name(ctx, i);
    bpc_ctx_get_var(ctx, name, &a); // shape query
    size_t bytes = bpc_dtype_size(a.dtype);
    for (int32_t d = 0; d < a.rank; ++d)
      bytes *= static_cast<size_t>(a.shape[d]);
    std::string data(bytes, '\0');
    a.data = &data[0];
    bpc_ctx_get_var(ctx, name, &a);
    out.push_back(std::move(data));
  }
  return out;
}

/// Sets the Variables of `ctx` to values unlike their initial ones.
inline void perturb(bpc_ctx *ctx) {
  float w[3] = {7, 8, 9}, b = -3;
  int64_t steps = 41;
  bpc_array aw = makeArray(w, BPC_F32, {3}), ab = makeArray(&b, BPC_F32, {}),
            as = makeArray(&steps, BPC_I64, {});
  bpc_ctx_set_var(ctx, "lr.w", &aw);
  bpc_ctx_set_var(ctx, "lr.b", &ab);
  bpc_ctx_set_var(ctx, "steps", &as);
}

} // namespace bpc::rt::test

#endif // BPC_TESTS_UNIT_RUNTIME_TESTMODEL_H
