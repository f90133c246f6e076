//===- VarTest.cpp - Variables by name, descriptors, independent contexts -===//
//
// get_var/set_var, the descriptor checks behind bpc_ctx_create, and that two
// contexts of one model share no state, also when run on two threads.
//
//===----------------------------------------------------------------------===//

#include "TestModel.h"

#include <doctest/doctest.h>

#include <thread>

using namespace bpc::rt::test;

namespace {

std::string checkMessage(const bpc_model_desc &model) {
  char msg[256];
  CHECK(bpc_model_check(&model, msg, sizeof(msg)) == BPC_ERR_INTERNAL);
  bpc_ctx *ctx = reinterpret_cast<bpc_ctx *>(1);
  CHECK(bpc_ctx_create(&model, &ctx) == BPC_ERR_INTERNAL);
  CHECK(ctx == nullptr);
  return msg;
}

} // namespace

TEST_CASE("runtime: get_var queries the shape, then copies") {
  bpc_ctx *ctx = nullptr;
  REQUIRE(bpc_ctx_create(&kModel, &ctx) == BPC_OK);
  bpc_array a{};
  REQUIRE(bpc_ctx_get_var(ctx, "lr.w", &a) == BPC_OK);
  CHECK(a.data == nullptr);
  CHECK(a.dtype == BPC_F32);
  CHECK(a.rank == 1);
  CHECK(a.shape[0] == 3);
  float w[3] = {};
  a.data = w;
  REQUIRE(bpc_ctx_get_var(ctx, "lr.w", &a) == BPC_OK);
  CHECK(w[0] == kInitialW[0]);
  CHECK(w[2] == kInitialW[2]);

  SUBCASE("a buffer of another shape or dtype is refused") {
    a.shape[0] = 4;
    CHECK(bpc_ctx_get_var(ctx, "lr.w", &a) == BPC_ERR_SHAPE);
    CHECK(std::string(bpc_ctx_last_error(ctx)) ==
          "get_var: Variable 'lr.w' has shape [3], out has [4]");
    a.shape[0] = 3;
    a.dtype = BPC_F64;
    CHECK(bpc_ctx_get_var(ctx, "lr.w", &a) == BPC_ERR_DTYPE);
    CHECK(std::string(bpc_ctx_last_error(ctx)) ==
          "get_var: Variable 'lr.w' has dtype f32, out has f64");
  }
  SUBCASE("unknown name and NULL pointers") {
    CHECK(bpc_ctx_get_var(ctx, "lr.v", &a) == BPC_ERR_ARG);
    CHECK(std::string(bpc_ctx_last_error(ctx)) ==
          "get_var: model 'test' has no Variable 'lr.v'");
    CHECK(bpc_ctx_get_var(ctx, nullptr, &a) == BPC_ERR_ARG);
    CHECK(bpc_ctx_get_var(ctx, "lr.w", nullptr) == BPC_ERR_ARG);
    CHECK(bpc_ctx_get_var(nullptr, "lr.w", &a) == BPC_ERR_ARG);
  }
  bpc_ctx_destroy(ctx);
}

TEST_CASE("runtime: set_var checks, then copies") {
  bpc_ctx *ctx = nullptr;
  REQUIRE(bpc_ctx_create(&kModel, &ctx) == BPC_OK);
  auto before = snapshot(ctx);
  double wrongType[3] = {1, 2, 3};
  float wrongShape[4] = {1, 2, 3, 4};
  bpc_array a = makeArray(wrongType, BPC_F64, {3});
  CHECK(bpc_ctx_set_var(ctx, "lr.w", &a) == BPC_ERR_DTYPE);
  a = makeArray(wrongShape, BPC_F32, {4});
  CHECK(bpc_ctx_set_var(ctx, "lr.w", &a) == BPC_ERR_SHAPE);
  a = makeArray(wrongShape, BPC_F32, {3, 1});
  CHECK(bpc_ctx_set_var(ctx, "lr.w", &a) == BPC_ERR_SHAPE);
  a = makeArray(nullptr, BPC_F32, {3});
  CHECK(bpc_ctx_set_var(ctx, "lr.w", &a) == BPC_ERR_ARG);
  CHECK(bpc_ctx_set_var(ctx, "lr.w", nullptr) == BPC_ERR_ARG);
  CHECK(bpc_ctx_set_var(ctx, "nope", &a) == BPC_ERR_ARG);
  CHECK(snapshot(ctx) == before);

  float b = 2.5f, got = 0;
  a = makeArray(&b, BPC_F32, {});
  REQUIRE(bpc_ctx_set_var(ctx, "lr.b", &a) == BPC_OK);
  a.data = &got;
  REQUIRE(bpc_ctx_get_var(ctx, "lr.b", &a) == BPC_OK);
  CHECK(got == 2.5f);
  bpc_ctx_destroy(ctx);
}

TEST_CASE("runtime: malformed descriptors are refused by create") {
  CHECK(bpc_model_check(&kModel, nullptr, 0) == BPC_OK);
  bpc_ctx *ctx = nullptr;
  CHECK(bpc_ctx_create(nullptr, &ctx) == BPC_ERR_ARG);
  CHECK(bpc_ctx_create(&kModel, nullptr) == BPC_ERR_ARG);
  CHECK(std::string(bpc_ctx_last_error(nullptr)).find("NULL") !=
        std::string::npos);

  bpc_model_desc model = kModel;
  SUBCASE("ABI version") {
    model.abi_version = BPC_ABI_VERSION + 1;
    CHECK(checkMessage(model).find("ABI version") != std::string::npos);
  }
  SUBCASE("repeated Variable name") {
    bpc_var_desc vars[2] = {kVars[0], kVars[0]};
    model.vars = vars;
    model.num_vars = 2;
    model.num_funcs = 1; // lr_step refers to Variable 2
    CHECK(checkMessage(model) == "Variable name 'lr.w' is repeated");
  }
  SUBCASE("var index out of range") {
    model.num_vars = 2;
    CHECK(checkMessage(model) ==
          "function 'lr_step' var_indices[2] = 2 is out of range or repeated");
  }
  SUBCASE("symbol bound by no argument") {
    bpc_func_desc funcs[1] = {kFuncs[kSelu]};
    funcs[0].num_args = 0;
    model.funcs = funcs;
    model.num_funcs = 1;
    CHECK(checkMessage(model) ==
          "function 'selu' symbol 'n' is not a dimension of any argument");
  }
  SUBCASE("dimension neither static nor symbolic") {
    bpc_arg_desc args[1] = {kSeluArgs[0]};
    args[0].dim_symbol[0] = 3;
    bpc_func_desc funcs[1] = {kFuncs[kSelu]};
    funcs[0].args = args;
    model.funcs = funcs;
    model.num_funcs = 1;
    CHECK(checkMessage(model).find("function 'selu' argument 0 ('x') "
                                   "dimension 0") != std::string::npos);
  }
}

TEST_CASE("runtime: two contexts are independent, also on two threads") {
  bpc_ctx *a = nullptr, *b = nullptr;
  REQUIRE(bpc_ctx_create(&kModel, &a) == BPC_OK);
  REQUIRE(bpc_ctx_create(&kModel, &b) == BPC_OK);
  perturb(a);
  CHECK(snapshot(a) != snapshot(b));

  // Each thread steps its own context; with shared state the step counts
  // or the weights would mix.
  auto steps = [](bpc_ctx *ctx, int n, float target, bool *ok) {
    std::vector<float> X(64 * 3, 0.5f), Y(64, target);
    float loss;
    bpc_array x = makeArray(X.data(), BPC_F32, {64, 3}),
              y = makeArray(Y.data(), BPC_F32, {64}),
              out = makeArray(&loss, BPC_F32, {});
    const bpc_array *args[] = {&x, &y};
    bpc_array *results[] = {&out};
    *ok = true;
    for (int i = 0; i < n; ++i)
      *ok = *ok && bpc_ctx_call(ctx, kLrStep, args, results) == BPC_OK;
  };
  auto expectedAfter = [](int n, float target, float w[3], float *bias) {
    std::vector<float> X(64 * 3, 0.5f), Y(64, target);
    for (int i = 0; i < n; ++i)
      lrStep(X.data(), Y.data(), 64, w, bias);
  };
  bpc_ctx *c = nullptr;
  REQUIRE(bpc_ctx_create(&kModel, &c) == BPC_OK);
  bool okB = false, okC = false;
  std::thread tb(steps, b, 2000, 1.0f, &okB), tc(steps, c, 3000, -1.0f, &okC);
  tb.join();
  tc.join();
  CHECK(okB);
  CHECK(okC);
  float wb[3] = {kInitialW[0], kInitialW[1], kInitialW[2]}, bb = kInitialB;
  float wc[3] = {kInitialW[0], kInitialW[1], kInitialW[2]}, bc = kInitialB;
  expectedAfter(2000, 1.0f, wb, &bb);
  expectedAfter(3000, -1.0f, wc, &bc);
  int64_t nb = 0, nc = 0;
  float gotB[3], gotC[3];
  bpc_array s = makeArray(&nb, BPC_I64, {});
  bpc_ctx_get_var(b, "steps", &s);
  s.data = &nc;
  bpc_ctx_get_var(c, "steps", &s);
  CHECK(nb == 2000);
  CHECK(nc == 3000);
  bpc_array w = makeArray(gotB, BPC_F32, {3});
  bpc_ctx_get_var(b, "lr.w", &w);
  w.data = gotC;
  bpc_ctx_get_var(c, "lr.w", &w);
  for (int j = 0; j < 3; ++j) {
    CHECK(gotB[j] == wb[j]);
    CHECK(gotC[j] == wc[j]);
  }
  bpc_ctx_destroy(a);
  bpc_ctx_destroy(b);
  bpc_ctx_destroy(c);
}
