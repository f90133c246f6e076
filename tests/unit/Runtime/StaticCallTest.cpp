//===- StaticCallTest.cpp - bpc_ctx_call_static: dispatch on static values ===//
//
// An entry point with static parameters passes the caller's values; the
// runtime picks the specialisation compiled for equal values (Python's
// number equality) or fails with BPC_ERR_ARG, listing the compiled values in
// Python's repr, and changes no Variable.
//
//===----------------------------------------------------------------------===//

#include "TestModel.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

using namespace bpc::rt::test;

namespace {

struct Ctx {
  bpc_ctx *ctx = nullptr;
  Ctx() { REQUIRE(bpc_ctx_create(&kModel, &ctx) == BPC_OK); }
  ~Ctx() { bpc_ctx_destroy(ctx); }
};

/// lr_step's arguments, as in CallTest.
struct LrArgs {
  float X[6] = {1, 2, 3, 4, 5, 6};
  float Y[2] = {1, 0};
  float loss = 0;
  bpc_array x = makeArray(X, BPC_F32, {2, 3});
  bpc_array y = makeArray(Y, BPC_F32, {2});
  bpc_array out = makeArray(&loss, BPC_F32, {});
  const bpc_array *args[2] = {&x, &y};
  bpc_array *results[1] = {&out};
};

/// One static number parameter `x` compiled for 1 (int), 0.5 and True
/// (rows 0-2, all calling lr_step), and, for messages only, a row per
/// float below (never matched by the tests' values).
const bpc_static_value kValues[] = {
    {BPC_STATIC_INT, 1, 0, nullptr, "1"},
    {BPC_STATIC_FLOAT, 0, 0.5, nullptr, "0.5"},
    {BPC_STATIC_FLOAT, 0, 9007199254740992.0, nullptr, "9007199254740992.0"},
    {BPC_STATIC_FLOAT, 0, 2.3, nullptr, "2.3"},
};
const char *const kNames[] = {"x"};
const int32_t kFuncs[] = {kLrStep, kLrStep, kLrStep, kLrStep};
const bpc_static_dispatch kDispatch = {"step", 1, kNames, 4, kValues, kFuncs};

/// The status of a call with x given as a 0-d array of `dtype` holding `v`.
template <typename T> bpc_status callWith(bpc_ctx *ctx, bpc_dtype dtype, T v) {
  LrArgs a;
  bpc_array x = makeArray(&v, dtype, {});
  bpc_static_arg statics[] = {{&x, nullptr}};
  return bpc_ctx_call_static(ctx, &kDispatch, statics, a.args, a.results);
}

/// The message for x given as an f64 that matches no row.
std::string reprOf(bpc_ctx *ctx, double v) {
  CHECK(callWith(ctx, BPC_F64, v) == BPC_ERR_ARG);
  std::string message = bpc_ctx_last_error(ctx);
  size_t begin = message.find("x=") + 2;
  return message.substr(begin, message.find(' ', begin) - begin);
}

} // namespace

TEST_CASE("runtime: static values match as Python compares numbers") {
  Ctx c;
  CHECK(callWith<int32_t>(c.ctx, BPC_I32, 1) == BPC_OK);    // 1 == 1
  CHECK(callWith<double>(c.ctx, BPC_F64, 1.0) == BPC_OK);   // 1.0 == 1
  CHECK(callWith<uint8_t>(c.ctx, BPC_BOOL, 1) == BPC_OK);   // True == 1
  CHECK(callWith<float>(c.ctx, BPC_F32, 0.5f) == BPC_OK);
  CHECK(callWith<float>(c.ctx, BPC_F32, 2.3f) == BPC_OK);   // f32 compares as f32
  CHECK(callWith<double>(c.ctx, BPC_F64, 2.3) == BPC_OK);
  CHECK(callWith<int64_t>(c.ctx, BPC_I64, INT64_C(9007199254740992)) == BPC_OK);
  // 2**53 + 1 is not 2.0**53, though it rounds to it as a double.
  CHECK(callWith<int64_t>(c.ctx, BPC_I64, INT64_C(9007199254740993)) == BPC_ERR_ARG);
  CHECK(callWith<double>(c.ctx, BPC_F64, 1.0000000000000002) == BPC_ERR_ARG);
  CHECK(callWith<uint8_t>(c.ctx, BPC_BOOL, 0) == BPC_ERR_ARG);
  CHECK(callWith<double>(c.ctx, BPC_F64, std::nan("")) == BPC_ERR_ARG);
}

TEST_CASE("runtime: a static value not compiled is BPC_ERR_ARG and changes nothing") {
  Ctx c;
  perturb(c.ctx);
  auto before = snapshot(c.ctx);
  CHECK(callWith<double>(c.ctx, BPC_F64, 2.5) == BPC_ERR_ARG);
  CHECK(std::string(bpc_ctx_last_error(c.ctx)) ==
        "step: static argument x=2.5 was not compiled; compiled values: x=1, x=0.5, "
        "x=9007199254740992.0, x=2.3 (add --specialize 'step(x=2.5)' to bpc build)");
  CHECK(callWith<uint8_t>(c.ctx, BPC_BOOL, 0) == BPC_ERR_ARG);
  CHECK(std::string(bpc_ctx_last_error(c.ctx)).find("static argument x=False was") !=
        std::string::npos);
  CHECK(callWith<int64_t>(c.ctx, BPC_I64, -7) == BPC_ERR_ARG);
  CHECK(std::string(bpc_ctx_last_error(c.ctx)).find("static argument x=-7 was") !=
        std::string::npos);
  CHECK(callWith<int32_t>(c.ctx, static_cast<bpc_dtype>(42), 1) == BPC_ERR_DTYPE);
  CHECK(snapshot(c.ctx) == before);
  CHECK(callWith<int32_t>(c.ctx, BPC_I32, 1) == BPC_OK);
  CHECK(snapshot(c.ctx) != before);
}

TEST_CASE("runtime: static floats are shown as Python's repr shows them") {
  Ctx c;
  CHECK(reprOf(c.ctx, 2.0) == "2.0");
  CHECK(reprOf(c.ctx, -0.0) == "-0.0");
  CHECK(reprOf(c.ctx, 0.1) == "0.1");
  CHECK(reprOf(c.ctx, 0.0001) == "0.0001");
  CHECK(reprOf(c.ctx, 0.00001) == "1e-05");
  CHECK(reprOf(c.ctx, 123456.789) == "123456.789");
  CHECK(reprOf(c.ctx, 1e15) == "1000000000000000.0");
  CHECK(reprOf(c.ctx, 1e16) == "1e+16");
  CHECK(reprOf(c.ctx, 1.5e300) == "1.5e+300");
  CHECK(reprOf(c.ctx, 1.0 / 3) == "0.3333333333333333");
  CHECK(reprOf(c.ctx, std::numeric_limits<double>::infinity()) == "inf");
  CHECK(reprOf(c.ctx, -std::numeric_limits<double>::infinity()) == "-inf");
  CHECK(reprOf(c.ctx, std::nan("")) == "nan");
  // An f32 shows its shortest f32 digits.
  CHECK(callWith<float>(c.ctx, BPC_F32, 0.1f) == BPC_ERR_ARG);
  CHECK(std::string(bpc_ctx_last_error(c.ctx)).find("x=0.1 was") != std::string::npos);
}

TEST_CASE("runtime: string static values and several static parameters") {
  Ctx c;
  const bpc_static_value values[] = {
      {BPC_STATIC_STR, 0, 0, "tanh", "'tanh'"}, {BPC_STATIC_INT, 2, 0, nullptr, "2"},
      {BPC_STATIC_STR, 0, 0, "relu", "'relu'"}, {BPC_STATIC_INT, 2, 0, nullptr, "2"}};
  const char *const names[] = {"mode", "k"};
  const int32_t funcs[] = {kLrStep, kLrStep};
  const bpc_static_dispatch dispatch = {"act", 2, names, 2, values, funcs};
  LrArgs a;
  int64_t two = 2, three = 3;
  bpc_array k2 = makeArray(&two, BPC_I64, {}), k3 = makeArray(&three, BPC_I64, {});
  bpc_static_arg good[] = {{nullptr, "relu"}, {&k2, nullptr}};
  CHECK(bpc_ctx_call_static(c.ctx, &dispatch, good, a.args, a.results) == BPC_OK);

  perturb(c.ctx);
  auto before = snapshot(c.ctx);
  bpc_static_arg badK[] = {{nullptr, "relu"}, {&k3, nullptr}};
  CHECK(bpc_ctx_call_static(c.ctx, &dispatch, badK, a.args, a.results) == BPC_ERR_ARG);
  CHECK(std::string(bpc_ctx_last_error(c.ctx)) ==
        "act: static arguments (mode='relu', k=3) were not compiled; compiled values: "
        "(mode='tanh', k=2), (mode='relu', k=2) (add --specialize \"act(mode='relu', k=3)\" to "
        "bpc build)");
  bpc_static_arg escaped[] = {{nullptr, "a\n\\\x01"}, {&k2, nullptr}};
  CHECK(bpc_ctx_call_static(c.ctx, &dispatch, escaped, a.args, a.results) == BPC_ERR_ARG);
  CHECK(std::string(bpc_ctx_last_error(c.ctx)).find("(mode='a\\n\\\\\\x01', k=2) were not") !=
        std::string::npos);
  bpc_static_arg noString[] = {{nullptr, nullptr}, {&k2, nullptr}};
  CHECK(bpc_ctx_call_static(c.ctx, &dispatch, noString, a.args, a.results) == BPC_ERR_ARG);
  CHECK(std::string(bpc_ctx_last_error(c.ctx)) ==
        "act: static argument 'mode' (a string) is NULL");
  CHECK(bpc_ctx_call_static(c.ctx, &dispatch, nullptr, a.args, a.results) == BPC_ERR_ARG);
  CHECK(bpc_ctx_call_static(c.ctx, nullptr, good, a.args, a.results) == BPC_ERR_ARG);
  CHECK(snapshot(c.ctx) == before);
}
