//===- TileMatmulTest.cpp - Tiled matmuls agree bit for bit with loops ----===//
//
// bpc-tile-matmul and bpc-fold-transposes may change which elements are
// computed when, but never the value of one: each element must still be
// the sum of its terms one k after the other, each term a rounded product
// (no fused multiply-add). These tests run matmuls whose shapes exercise
// every part of the tiled code (whole 4 x 48 tiles, the single rows after
// them, single vectors and the masked last columns, a dynamic row count,
// one column) and the transposed operands of reverse mode, through the
// pipelines of `bpc build`, and compare every element bit for bit with
// that sum computed here in the same order.
//
//===----------------------------------------------------------------------===//

#include "../Conversion/JitTestSupport.h"

#include <cstring>
#include <random>

using namespace bpc::testing;

namespace {

/// sum_k a(i, k) * b(k, j), k = 0, 1, ..., rounding the product and then
/// the sum (volatile: no fused multiply-add whatever the compiler flags).
template <typename A, typename B> float ordered(A a, B b, int64_t i, int64_t j, int64_t k) {
  float sum = 0;
  for (int64_t p = 0; p < k; ++p) {
    volatile float product = a(i, p) * b(p, j);
    sum = sum + product;
  }
  return sum;
}

std::vector<float> randomValues(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

bool sameBits(float x, float y) { return std::memcmp(&x, &y, sizeof x) == 0; }

} // namespace

TEST_CASE("bpc-tile-matmul: every tile shape agrees bit for bit with ordered sums") {
  // M = 11 (2 tiles of 4 rows + 3 single rows), N = 117 (2 tiles of 48
  // columns, 1 vector of 16, 5 masked columns), K = 29; and N = 1.
  Compiled c(R"mlir(
    bp.func @mm(%a: tensor<?x29xf32>, %b: tensor<29x117xf32>) -> tensor<?x117xf32> {
      %r = bp.matmul %a, %b : (tensor<?x29xf32>, tensor<29x117xf32>) -> tensor<?x117xf32>
      bp.return %r : tensor<?x117xf32>
    }
    bp.func @column(%a: tensor<11x29xf32>, %b: tensor<29x1xf32>) -> tensor<11x1xf32> {
      %r = bp.matmul %a, %b : (tensor<11x29xf32>, tensor<29x1xf32>) -> tensor<11x1xf32>
      bp.return %r : tensor<11x1xf32>
    }
    bp.func @at_b(%a: tensor<29x11xf32>, %b: tensor<29x117xf32>) -> tensor<11x117xf32> {
      %t = bp.transpose %a, [1, 0] : tensor<29x11xf32> -> tensor<11x29xf32>
      %r = bp.matmul %t, %b : (tensor<11x29xf32>, tensor<29x117xf32>) -> tensor<11x117xf32>
      bp.return %r : tensor<11x117xf32>
    }
    bp.func @a_bt(%a: tensor<11x29xf32>, %b: tensor<117x29xf32>) -> tensor<11x117xf32> {
      %t = bp.transpose %b, [1, 0] : tensor<117x29xf32> -> tensor<29x117xf32>
      %r = bp.matmul %a, %t : (tensor<11x29xf32>, tensor<29x117xf32>) -> tensor<11x117xf32>
      bp.return %r : tensor<11x117xf32>
    })mlir");
  const int64_t m = 11, n = 117, k = 29;
  std::vector<float> a = randomValues(m * k, 1), b = randomValues(k * n, 2),
                     column = randomValues(k, 3);
  auto aRows = [&](int64_t i, int64_t p) { return a[i * k + p]; }; // a as m x k
  auto aCols = [&](int64_t i, int64_t p) { return a[p * m + i]; }; // a as k x m, transposed
  auto bRows = [&](int64_t p, int64_t j) { return b[p * n + j]; }; // b as k x n
  auto bCols = [&](int64_t p, int64_t j) { return b[j * k + p]; }; // b as n x k, transposed
  auto col = [&](int64_t p, int64_t) { return column[p]; };

  auto check = [&](Desc<float, 2> &r, int64_t cols, auto lhs, auto rhs) {
    REQUIRE(r.sizes[0] == m);
    REQUIRE(r.sizes[1] == cols);
    int64_t wrong = 0;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < cols; ++j)
        wrong += !sameBits(r.aligned[r.offset + i * cols + j], ordered(lhs, rhs, i, j, k));
    CHECK(wrong == 0);
    release(r);
  };
  using Fn = void(Desc<float, 2> *, Desc<float, 2> *, Desc<float, 2> *);
  auto dA = view<2>(a, {m, k}), dAt = view<2>(a, {k, m}), dB = view<2>(b, {k, n}),
       dBt = view<2>(b, {n, k}), dCol = view<2>(column, {k, 1});
  Desc<float, 2> r;
  c.lookup<Fn>("mm")(&r, &dA, &dB);
  check(r, n, aRows, bRows);
  c.lookup<Fn>("column")(&r, &dA, &dCol);
  check(r, 1, aRows, col);
  c.lookup<Fn>("at_b")(&r, &dAt, &dB);
  check(r, n, aCols, bRows);
  c.lookup<Fn>("a_bt")(&r, &dA, &dBt);
  check(r, n, aRows, bCols);
}
