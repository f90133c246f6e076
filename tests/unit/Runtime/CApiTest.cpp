//===- CApiTest.cpp - the per-model C ABI of DESIGN.md §4a ----------------===//
//
// Drives the model in runtime/test/C99Model.c (strict C99, built with
// BPC_DEFINE_MODEL_API) only through its `c99m_*` entry points, the way an
// embedding program uses a library from `bpc build`.
//
//===----------------------------------------------------------------------===//

#include "../../../runtime/test/C99Model.h"

#include <doctest/doctest.h>

#include <string>

TEST_CASE("runtime: a C99 model through its prefixed entry points") {
  c99m_ctx *ctx = nullptr;
  REQUIRE(c99m_create(&ctx) == BPC_OK);
  CHECK(c99m_create(nullptr) == BPC_ERR_ARG);
  CHECK(c99m_var_count(ctx) == 1);
  CHECK(std::string(c99m_var_name(ctx, 0)) == "acc");

  double x[3] = {10, 20, 30};
  bpc_array ax{};
  ax.data = x;
  ax.dtype = BPC_F64;
  ax.rank = 1;
  ax.shape[0] = 3;
  REQUIRE(c99m_accumulate(ctx, &ax) == BPC_OK);
  double acc[3];
  bpc_array out{};
  REQUIRE(c99m_get_var(ctx, "acc", &out) == BPC_OK);
  out.data = acc;
  REQUIRE(c99m_get_var(ctx, "acc", &out) == BPC_OK);
  CHECK(acc[0] == 11);
  CHECK(acc[2] == 33);

  ax.shape[0] = 2;
  CHECK(c99m_accumulate(ctx, &ax) == BPC_ERR_SHAPE);
  CHECK(std::string(c99m_last_error(ctx)) ==
        "accumulate: argument 0 ('x') has shape [2], expected [3] (dimension "
        "0 is 2, expected 3)");

  float f[4] = {1, 2, 3, 4};
  bpc_array af{}, res{};
  af.data = f;
  af.dtype = BPC_F32;
  af.rank = 1;
  af.shape[0] = 4;
  REQUIRE(c99m_twice(ctx, &af, &res) == BPC_OK);
  CHECK(res.shape[0] == 4);
  CHECK(static_cast<float *>(res.data)[3] == 8.0f);

  double zero[3] = {0, 0, 0};
  out.data = zero;
  REQUIRE(c99m_set_var(ctx, "acc", &out) == BPC_OK);
  c99m_destroy(ctx);
}
