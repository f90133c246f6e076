//===- CallTest.cpp - bpc_ctx_call: results, checks, no changes on error --===//
//
// Every bad input must give a status, a message naming the function, the
// argument and what was expected, and leave every Variable as it was.
//
//===----------------------------------------------------------------------===//

#include "TestModel.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>

using namespace bpc::rt::test;

namespace {

struct CtxDeleter {
  void operator()(bpc_ctx *ctx) const { bpc_ctx_destroy(ctx); }
};
using CtxPtr = std::unique_ptr<bpc_ctx, CtxDeleter>;

CtxPtr createTestCtx() {
  bpc_ctx *ctx = nullptr;
  REQUIRE(bpc_ctx_create(&kModel, &ctx) == BPC_OK);
  REQUIRE(ctx != nullptr);
  return CtxPtr(ctx);
}

/// A call of lr_step that is valid unless a test breaks one part of it.
struct LrCall {
  std::vector<float> X{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  std::vector<float> Y{1, 0, 1, 0};
  float loss = 0;
  bpc_array x = makeArray(X.data(), BPC_F32, {4, 3});
  bpc_array y = makeArray(Y.data(), BPC_F32, {4});
  bpc_array out = makeArray(&loss, BPC_F32, {});
  const bpc_array *args[2] = {&x, &y};
  bpc_array *results[1] = {&out};

  bpc_status run(bpc_ctx *ctx) { return bpc_ctx_call(ctx, kLrStep, args, results); }
};

/// Runs `call`, expects `status` and a message containing every `parts`,
/// and checks that no Variable changed.
template <typename Call>
void expectFailure(bpc_ctx *ctx, Call &&call, bpc_status status,
                   std::initializer_list<const char *> parts) {
  perturb(ctx); // so that "unchanged" is not just "still initial"
  auto before = snapshot(ctx);
  CHECK(call() == status);
  std::string message = bpc_ctx_last_error(ctx);
  for (const char *part : parts)
    CHECK_MESSAGE(message.find(part) != std::string::npos,
                  "'" << part << "' not in: " << message);
  CHECK(snapshot(ctx) == before);
}

} // namespace

TEST_CASE("runtime: create, variables and destroy") {
  CtxPtr ctx = createTestCtx();
  CHECK(bpc_ctx_var_count(ctx.get()) == 3);
  CHECK(std::string(bpc_ctx_var_name(ctx.get(), 0)) == "lr.w");
  CHECK(std::string(bpc_ctx_var_name(ctx.get(), 2)) == "steps");
  CHECK(bpc_ctx_var_name(ctx.get(), 3) == nullptr);
  CHECK(bpc_ctx_var_name(ctx.get(), -1) == nullptr);
  CHECK(std::string(bpc_ctx_last_error(ctx.get())).empty());
  bpc_ctx_destroy(nullptr); // allowed, like free(NULL)
}

TEST_CASE("runtime: a NULL-data result is allocated, aligned and filled in") {
  CtxPtr ctx = createTestCtx();
  float x[5] = {-2, -0.5f, 0, 0.5f, 2};
  bpc_array in = makeArray(x, BPC_F32, {5});
  bpc_array out{};
  const bpc_array *args[] = {&in};
  bpc_array *results[] = {&out};
  REQUIRE(bpc_ctx_call(ctx.get(), kSelu, args, results) == BPC_OK);
  REQUIRE(out.data != nullptr);
  CHECK(reinterpret_cast<uintptr_t>(out.data) % 64 == 0);
  CHECK(out.dtype == BPC_F32);
  CHECK(out.rank == 1);
  CHECK(out.shape[0] == 5);
  for (int i = 0; i < 5; ++i)
    CHECK(static_cast<float *>(out.data)[i] == selu(x[i]));

  SUBCASE("a larger second call gets a buffer of the new size") {
    std::vector<float> big(1000, 1.0f);
    bpc_array bigIn = makeArray(big.data(), BPC_F32, {1000});
    bpc_array out2{};
    const bpc_array *args2[] = {&bigIn};
    bpc_array *results2[] = {&out2};
    REQUIRE(bpc_ctx_call(ctx.get(), kSelu, args2, results2) == BPC_OK);
    CHECK(out2.shape[0] == 1000);
    CHECK(static_cast<float *>(out2.data)[999] == selu(1.0f));
  }
  SUBCASE("the previous result may be passed back in as the argument") {
    float expected[5];
    for (int i = 0; i < 5; ++i)
      expected[i] = selu(selu(x[i]));
    bpc_array again = out;
    bpc_array out2{};
    const bpc_array *args2[] = {&again};
    bpc_array *results2[] = {&out2};
    REQUIRE(bpc_ctx_call(ctx.get(), kSelu, args2, results2) == BPC_OK);
    for (int i = 0; i < 5; ++i)
      CHECK(static_cast<float *>(out2.data)[i] == expected[i]);
  }
  SUBCASE("a failed call leaves the previous result valid") {
    bpc_array bad = makeArray(x, BPC_F64, {5});
    bpc_array out2{};
    const bpc_array *args2[] = {&bad};
    bpc_array *results2[] = {&out2};
    CHECK(bpc_ctx_call(ctx.get(), kSelu, args2, results2) == BPC_ERR_DTYPE);
    CHECK(out2.data == nullptr);
    CHECK(static_cast<float *>(out.data)[4] == selu(2.0f));
  }
}

TEST_CASE("runtime: empty arrays are valid arguments and results") {
  CtxPtr ctx = createTestCtx();
  float dummy = 0;
  bpc_array in = makeArray(&dummy, BPC_F32, {0});
  bpc_array out{};
  const bpc_array *args[] = {&in};
  bpc_array *results[] = {&out};
  REQUIRE(bpc_ctx_call(ctx.get(), kSelu, args, results) == BPC_OK);
  CHECK(out.data != nullptr);
  CHECK(out.shape[0] == 0);
}

TEST_CASE("runtime: a caller buffer result is written in place") {
  CtxPtr ctx = createTestCtx();
  float x[3] = {-1, 0, 1}, y[3] = {9, 9, 9};
  bpc_array in = makeArray(x, BPC_F32, {3}), out = makeArray(y, BPC_F32, {3});
  const bpc_array *args[] = {&in};
  bpc_array *results[] = {&out};
  REQUIRE(bpc_ctx_call(ctx.get(), kSelu, args, results) == BPC_OK);
  CHECK(out.data == y);
  for (int i = 0; i < 3; ++i)
    CHECK(y[i] == selu(x[i]));
}

TEST_CASE("runtime: lr_step updates its dyn Variables in place") {
  CtxPtr ctx = createTestCtx();
  LrCall call;
  float w[3] = {kInitialW[0], kInitialW[1], kInitialW[2]}, b = kInitialB;
  for (int step = 1; step <= 3; ++step) {
    float expectedLoss = lrStep(call.X.data(), call.Y.data(), 4, w, &b);
    REQUIRE(call.run(ctx.get()) == BPC_OK);
    CHECK(call.loss == expectedLoss);
  }
  float gotW[3], gotB;
  int64_t steps;
  bpc_array aw = makeArray(gotW, BPC_F32, {3}), ab = makeArray(&gotB, BPC_F32, {}),
            as = makeArray(&steps, BPC_I64, {});
  REQUIRE(bpc_ctx_get_var(ctx.get(), "lr.w", &aw) == BPC_OK);
  REQUIRE(bpc_ctx_get_var(ctx.get(), "lr.b", &ab) == BPC_OK);
  REQUIRE(bpc_ctx_get_var(ctx.get(), "steps", &as) == BPC_OK);
  for (int j = 0; j < 3; ++j)
    CHECK(gotW[j] == w[j]);
  CHECK(gotB == b);
  CHECK(steps == 3);
}

TEST_CASE("runtime: bad calls fail with a message and change nothing") {
  CtxPtr ctx = createTestCtx();
  bpc_ctx *c = ctx.get();
  LrCall call;
  auto run = [&] { return call.run(c); };

  SUBCASE("NULL context") { CHECK(call.run(nullptr) == BPC_ERR_ARG); }
  SUBCASE("function index out of range") {
    expectFailure(c, [&] { return bpc_ctx_call(c, 7, call.args, call.results); },
                  BPC_ERR_ARG, {"function index 7", "'test' has 2 functions"});
  }
  SUBCASE("NULL argument list") {
    expectFailure(c, [&] { return bpc_ctx_call(c, kLrStep, nullptr, call.results); },
                  BPC_ERR_ARG, {"lr_step: argument list is NULL"});
  }
  SUBCASE("NULL result list") {
    expectFailure(c, [&] { return bpc_ctx_call(c, kLrStep, call.args, nullptr); },
                  BPC_ERR_ARG, {"lr_step: result list is NULL"});
  }
  SUBCASE("NULL argument") {
    call.args[1] = nullptr;
    expectFailure(c, run, BPC_ERR_ARG, {"lr_step: argument 1 ('Y') is NULL"});
  }
  SUBCASE("NULL argument data") {
    call.x.data = nullptr;
    expectFailure(c, run, BPC_ERR_ARG,
                  {"lr_step: argument 0 ('X') has NULL data"});
  }
  SUBCASE("wrong dtype") {
    call.y.dtype = BPC_I32;
    expectFailure(c, run, BPC_ERR_DTYPE,
                  {"lr_step: argument 1 ('Y')", "has dtype i32, expected f32"});
  }
  SUBCASE("dtype outside the enum") {
    call.y.dtype = static_cast<bpc_dtype>(5);
    expectFailure(c, run, BPC_ERR_DTYPE, {"argument 1 ('Y') has dtype ?"});
  }
  SUBCASE("wrong rank") {
    call.x.rank = 1;
    call.x.shape[0] = 12;
    expectFailure(c, run, BPC_ERR_SHAPE,
                  {"argument 0 ('X') has rank 1, expected rank 2 [n, 3]"});
  }
  SUBCASE("wrong static dimension") {
    call.x.shape[0] = 3;
    call.x.shape[1] = 4;
    expectFailure(c, run, BPC_ERR_SHAPE,
                  {"argument 0 ('X') has shape [3, 4], expected [n, 3]",
                   "dimension 1 is 4, expected 3"});
  }
  SUBCASE("negative dimension") {
    call.y.shape[0] = -4;
    expectFailure(c, run, BPC_ERR_SHAPE,
                  {"argument 1 ('Y') has negative dimension 0"});
  }
  SUBCASE("inconsistent symbolic dimension") {
    call.y.shape[0] = 5;
    expectFailure(c, run, BPC_ERR_SHAPE,
                  {"lr_step: symbolic dimension 'n' is 4 in argument 'X' "
                   "(dimension 0) but 5 in argument 'Y' (dimension 0)"});
  }
  SUBCASE("NULL result") {
    call.results[0] = nullptr;
    expectFailure(c, run, BPC_ERR_ARG, {"lr_step: result 0 ('loss') is NULL"});
  }
  SUBCASE("result buffer with the wrong dtype") {
    call.out.dtype = BPC_F64;
    expectFailure(c, run, BPC_ERR_DTYPE,
                  {"result 0 ('loss') has dtype f64, expected f32"});
  }
  SUBCASE("result buffer with the wrong shape") {
    call.out.rank = 1;
    call.out.shape[0] = 1;
    expectFailure(c, run, BPC_ERR_SHAPE,
                  {"result 0 ('loss') has rank 1, expected rank 0 []"});
  }
}

TEST_CASE("runtime: a result buffer must agree with the symbols of the args") {
  CtxPtr ctx = createTestCtx();
  float x[4] = {1, 2, 3, 4}, y[3];
  bpc_array in = makeArray(x, BPC_F32, {4}), out = makeArray(y, BPC_F32, {3});
  const bpc_array *args[] = {&in};
  bpc_array *results[] = {&out};
  CHECK(bpc_ctx_call(ctx.get(), kSelu, args, results) == BPC_ERR_SHAPE);
  CHECK(std::string(bpc_ctx_last_error(ctx.get())) ==
        "selu: symbolic dimension 'n' is 4 in argument 'x' (dimension 0) but "
        "3 in result 'out' (dimension 0)");
}
