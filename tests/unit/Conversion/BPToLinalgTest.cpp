//===- BPToLinalgTest.cpp - bp lowering, run end to end in the JIT --------===//
//
// Parses bp modules, runs `bpc-lower-bp`, `bpc-bufferize` and
// `bpc-lower-to-llvm`, JITs the result and compares with plain C++ loops.
//
//===----------------------------------------------------------------------===//

#include "JitTestSupport.h"

#include <algorithm>
#include <cmath>

using namespace bpc::testing;

TEST_CASE("bp lowering: selu on 1000 f32") {
  Compiled c(R"mlir(
    bp.func @selu(%x: tensor<?xf32>) -> tensor<?xf32> {
      %zero = bp.constant dense<0.0> : tensor<f32>
      %alpha = bp.constant dense<1.67> : tensor<f32>
      %lmbda = bp.constant dense<1.05> : tensor<f32>
      %c = bp.cmp gt, %x, %zero : (tensor<?xf32>, tensor<f32>) -> tensor<?xi1>
      %e = bp.exp %x : tensor<?xf32>
      %m = bp.mul %alpha, %e : (tensor<f32>, tensor<?xf32>) -> tensor<?xf32>
      %s = bp.sub %m, %alpha : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
      %w = bp.where %c, %x, %s : (tensor<?xi1>, tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
      %r = bp.mul %lmbda, %w : (tensor<f32>, tensor<?xf32>) -> tensor<?xf32>
      bp.return %r : tensor<?xf32>
    })mlir");
  std::vector<float> x(1000);
  for (int i = 0; i < 1000; ++i)
    x[i] = (i - 500) / 100.0f;
  auto in = view<1>(x, {1000});
  Desc<float, 1> out;
  c.lookup<void(Desc<float, 1> *, Desc<float, 1> *)>("selu")(&out, &in);
  REQUIRE(out.sizes[0] == 1000);
  for (int i = 0; i < 1000; ++i) {
    float expected =
        1.05f * (x[i] > 0 ? x[i] : 1.67f * std::exp(x[i]) - 1.67f);
    CHECK(out.aligned[out.offset + i] == doctest::Approx(expected).epsilon(1e-6));
  }
  release(out);
}

TEST_CASE("bp lowering: broadcast add [3,1] + [4]") {
  Compiled c(R"mlir(
    bp.func @add(%a: tensor<3x1xf32>, %b: tensor<4xf32>) -> tensor<3x4xf32> {
      %r = bp.add %a, %b : (tensor<3x1xf32>, tensor<4xf32>) -> tensor<3x4xf32>
      bp.return %r : tensor<3x4xf32>
    })mlir");
  std::vector<float> a = {1, 2, 3}, b = {10, 20, 30, 40};
  auto da = view<2>(a, {3, 1});
  auto db = view<1>(b, {4});
  Desc<float, 2> out;
  c.lookup<void(Desc<float, 2> *, Desc<float, 2> *, Desc<float, 1> *)>("add")(
      &out, &da, &db);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j)
      CHECK(out.aligned[i * 4 + j] == a[i] + b[j]);
  release(out);
}

TEST_CASE("bp lowering: matmul of each rank combination") {
  Compiled c(R"mlir(
    bp.func @dot(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<f32> {
      %r = bp.matmul %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
      bp.return %r : tensor<f32>
    }
    bp.func @matvec(%a: tensor<?x3xf32>, %b: tensor<3xf32>) -> tensor<?xf32> {
      %r = bp.matmul %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?xf32>
      bp.return %r : tensor<?xf32>
    }
    bp.func @vecmat(%a: tensor<3xf32>, %b: tensor<3x2xf32>) -> tensor<2xf32> {
      %r = bp.matmul %a, %b : (tensor<3xf32>, tensor<3x2xf32>) -> tensor<2xf32>
      bp.return %r : tensor<2xf32>
    }
    bp.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<2x2xf32> {
      %r = bp.matmul %a, %b : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
      bp.return %r : tensor<2x2xf32>
    }
    bp.func @batched(%a: tensor<2x2x3xf32>, %b: tensor<3x2xf32>) -> tensor<2x2x2xf32> {
      %r = bp.matmul %a, %b : (tensor<2x2x3xf32>, tensor<3x2xf32>) -> tensor<2x2x2xf32>
      bp.return %r : tensor<2x2x2xf32>
    })mlir");
  std::vector<float> v = {1, 2, 3}, m = {1, 2, 3, 4, 5, 6}, n = {1, -1, 2, 0, 3, 1};
  std::vector<float> batch = {1, 2, 3, 4, 5, 6, -1, -2, -3, 0, 1, 2};
  auto dv = view<1>(v, {3});
  auto dm = view<2>(m, {2, 3});
  auto dn = view<2>(n, {3, 2});
  auto dbatch = view<3>(batch, {2, 2, 3});

  Desc<float, 0> dot;
  c.lookup<void(Desc<float, 0> *, Desc<float, 1> *, Desc<float, 1> *)>("dot")(
      &dot, &dv, &dv);
  CHECK(dot.aligned[dot.offset] == 14.0f);
  release(dot);

  Desc<float, 1> mv;
  c.lookup<void(Desc<float, 1> *, Desc<float, 2> *, Desc<float, 1> *)>(
      "matvec")(&mv, &dm, &dv);
  REQUIRE(mv.sizes[0] == 2);
  CHECK(mv.aligned[0] == 14.0f);
  CHECK(mv.aligned[1] == 32.0f);
  release(mv);

  Desc<float, 1> vm;
  c.lookup<void(Desc<float, 1> *, Desc<float, 1> *, Desc<float, 2> *)>(
      "vecmat")(&vm, &dv, &dn);
  CHECK(vm.aligned[0] == 1 + 4 + 9);
  CHECK(vm.aligned[1] == -1 + 0 + 3);
  release(vm);

  // Reference: out[b][i][j] = sum_k lhs[b][i][k] * rhs[k][j].
  auto reference = [&](const float *lhs, int i, int j) {
    float s = 0;
    for (int k = 0; k < 3; ++k)
      s += lhs[i * 3 + k] * n[k * 2 + j];
    return s;
  };
  Desc<float, 2> mm;
  c.lookup<void(Desc<float, 2> *, Desc<float, 2> *, Desc<float, 2> *)>(
      "matmul")(&mm, &dm, &dn);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      CHECK(mm.aligned[i * 2 + j] == reference(m.data(), i, j));
  release(mm);

  Desc<float, 3> bm;
  c.lookup<void(Desc<float, 3> *, Desc<float, 3> *, Desc<float, 2> *)>(
      "batched")(&bm, &dbatch, &dn);
  for (int b = 0; b < 2; ++b)
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j)
        CHECK(bm.aligned[b * 4 + i * 2 + j] ==
              reference(batch.data() + b * 6, i, j));
  release(bm);
}

TEST_CASE("bp lowering: sum, mean and argmax with axes and keepdims") {
  Compiled c(R"mlir(
    bp.func @sum(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
      %r = bp.sum %x axes = [1] keepdims : tensor<2x3xf32> -> tensor<2x1xf32>
      bp.return %r : tensor<2x1xf32>
    }
    bp.func @mean(%x: tensor<?x3xf32>) -> tensor<f32> {
      %r = bp.mean %x axes = [0, 1] : tensor<?x3xf32> -> tensor<f32>
      bp.return %r : tensor<f32>
    }
    bp.func @argmax(%x: tensor<2x3xf32>) -> tensor<3xi32> {
      %r = bp.argmax %x axis = 0 : tensor<2x3xf32> -> tensor<3xi32>
      bp.return %r : tensor<3xi32>
    }
    bp.func @argmin(%x: tensor<2x3xf32>) -> tensor<2x1xi64> {
      %r = bp.argmin %x axis = 1 keepdims : tensor<2x3xf32> -> tensor<2x1xi64>
      bp.return %r : tensor<2x1xi64>
    })mlir");
  // Column 1 ties (first index wins); row 1 has its minimum twice.
  std::vector<float> x = {1, 5, -2, 4, 5, -3};
  auto dx = view<2>(x, {2, 3});

  Desc<float, 2> sum;
  c.lookup<void(Desc<float, 2> *, Desc<float, 2> *)>("sum")(&sum, &dx);
  CHECK(sum.sizes[0] == 2);
  CHECK(sum.sizes[1] == 1);
  CHECK(sum.aligned[0] == 4.0f);
  CHECK(sum.aligned[1] == 6.0f);
  release(sum);

  Desc<float, 0> mean;
  c.lookup<void(Desc<float, 0> *, Desc<float, 2> *)>("mean")(&mean, &dx);
  CHECK(mean.aligned[mean.offset] == doctest::Approx(10.0 / 6.0));
  release(mean);

  Desc<int32_t, 1> argmax;
  c.lookup<void(Desc<int32_t, 1> *, Desc<float, 2> *)>("argmax")(&argmax, &dx);
  CHECK(argmax.aligned[0] == 1);
  CHECK(argmax.aligned[1] == 0);
  CHECK(argmax.aligned[2] == 0);
  release(argmax);

  std::vector<float> y = {3, 1, 1, 2, 2, 2};
  auto dy = view<2>(y, {2, 3});
  Desc<int64_t, 2> argmin;
  c.lookup<void(Desc<int64_t, 2> *, Desc<float, 2> *)>("argmin")(&argmin, &dy);
  CHECK(argmin.aligned[0] == 1);
  CHECK(argmin.aligned[1] == 0);
  release(argmin);
}

TEST_CASE("bp lowering: floordiv and rem follow Python on negatives") {
  Compiled c(R"mlir(
    bp.func @ints(%a: tensor<4xi32>, %b: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>) {
      %q = bp.floordiv %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
      %r = bp.rem %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
      bp.return %q, %r : tensor<4xi32>, tensor<4xi32>
    }
    bp.func @floats(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
      %q = bp.floordiv %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      %r = bp.rem %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
      bp.return %q, %r : tensor<4xf32>, tensor<4xf32>
    })mlir");
  std::vector<int32_t> a = {-7, 7, -7, 6}, b = {2, -2, -2, -3};
  auto da = view<1>(a, {4});
  auto db = view<1>(b, {4});
  // Python: -7//2=-4, 7//-2=-4, -7//-2=3, 6//-3=-2; -7%2=1, 7%-2=-1, -7%-2=-1, 6%-3=0.
  struct IntResults { Desc<int32_t, 1> q, r; } ir;
  c.lookup<void(IntResults *, Desc<int32_t, 1> *, Desc<int32_t, 1> *)>("ints")(
      &ir, &da, &db);
  std::vector<int32_t> q = {-4, -4, 3, -2}, r = {1, -1, -1, 0};
  for (int i = 0; i < 4; ++i) {
    CHECK(ir.q.aligned[i] == q[i]);
    CHECK(ir.r.aligned[i] == r[i]);
  }
  release(ir.q);
  release(ir.r);

  std::vector<float> fa = {-7.5f, 7.5f, -7.5f, 4.0f}, fb = {2, -2, -2, -2};
  auto dfa = view<1>(fa, {4});
  auto dfb = view<1>(fb, {4});
  struct FloatResults { Desc<float, 1> q, r; } fr;
  c.lookup<void(FloatResults *, Desc<float, 1> *, Desc<float, 1> *)>("floats")(
      &fr, &dfa, &dfb);
  // Python: -7.5//2=-4, 7.5//-2=-4, -7.5//-2=3, 4//-2=-2;
  //         -7.5%2=0.5, 7.5%-2=-0.5, -7.5%-2=-1.5, 4%-2=-0.0.
  std::vector<float> fq = {-4, -4, 3, -2}, frem = {0.5f, -0.5f, -1.5f, -0.0f};
  for (int i = 0; i < 4; ++i) {
    CHECK(fr.q.aligned[i] == fq[i]);
    CHECK(fr.r.aligned[i] == frem[i]);
  }
  CHECK(std::signbit(fr.r.aligned[3]));
  release(fr.q);
  release(fr.r);
}

TEST_CASE("bp lowering: LogisticRegression step updates w in place") {
  Compiled c(R"mlir(
    bp.func @lr_step(%X: tensor<?x10xf32>, %Y: tensor<?xf32>)
        vars(%w: tensor<10xf32> {bp.var = "lr.w"}) {
      %xw = bp.matmul %X, %w : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?xf32>
      %ny = bp.neg %Y : tensor<?xf32>
      %p = bp.mul %ny, %xw : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
      %en = bp.exp %p : tensor<?xf32>
      %one = bp.constant dense<1.0> : tensor<f32>
      %den = bp.add %one, %en : (tensor<f32>, tensor<?xf32>) -> tensor<?xf32>
      %s = bp.div %one, %den : (tensor<f32>, tensor<?xf32>) -> tensor<?xf32>
      %d = bp.sub %s, %one : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
      %e = bp.mul %d, %Y : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
      %u = bp.matmul %e, %X : (tensor<?xf32>, tensor<?x10xf32>) -> tensor<10xf32>
      %wn = bp.sub %w, %u : (tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
      %w2 = bp.update_slice %wn into %w[0:?:1] : tensor<10xf32> into tensor<10xf32>
      bp.return vars(%w2 : tensor<10xf32>)
    })mlir");
  // No result buffer: the new value of w is written into w's own buffer.
  CHECK(c.numResults["lr_step"] == 0);

  const int n = 7, d = 10;
  std::vector<float> X(n * d), Y(n), w(d);
  for (int i = 0; i < n * d; ++i)
    X[i] = std::sin(0.37f * i);
  for (int i = 0; i < n; ++i)
    Y[i] = i % 2 ? 1.0f : -1.0f;
  for (int j = 0; j < d; ++j)
    w[j] = 2.0f * 1.0f - 1.3f + 0.01f * j;

  // Reference step with plain loops.
  std::vector<float> expected = w, t(n);
  for (int i = 0; i < n; ++i) {
    float xw = 0;
    for (int j = 0; j < d; ++j)
      xw += X[i * d + j] * w[j];
    t[i] = (1.0f / (1.0f + std::exp(-Y[i] * xw)) - 1.0f) * Y[i];
  }
  for (int j = 0; j < d; ++j) {
    float u = 0;
    for (int i = 0; i < n; ++i)
      u += t[i] * X[i * d + j];
    expected[j] = w[j] - u;
  }

  float *wData = w.data();
  auto dX = view<2>(X, {n, d});
  auto dY = view<1>(Y, {n});
  auto dw = view<1>(w, {d});
  c.lookup<void(Desc<float, 2> *, Desc<float, 1> *, Desc<float, 1> *)>(
      "lr_step")(&dX, &dY, &dw);
  CHECK(w.data() == wData);
  for (int j = 0; j < d; ++j)
    CHECK(w[j] == doctest::Approx(expected[j]).epsilon(1e-5));
}

//===----------------------------------------------------------------------===//
// Integer indexing and concatenation
//===----------------------------------------------------------------------===//

namespace {

/// Python's `x[i]` position on an axis of `size` elements, clamped into
/// range as bp.index does for an index out of range (JAX's rule).
int64_t clampedPosition(int64_t index, int64_t size) {
  int64_t position = index < 0 ? index + size : index;
  return std::clamp<int64_t>(position, 0, size - 1);
}

/// A 0-d descriptor of one scalar.
template <typename T> Desc<T, 0> scalar(T &value) { return {&value, &value, 0}; }

} // namespace

TEST_CASE("bp lowering: index with dynamic shapes, negative and clamped indices") {
  Compiled c(R"mlir(
    bp.func @column(%x: tensor<?x?xf32>, %j: tensor<i32>) -> tensor<?xf32> {
      %r = bp.index %x[%j] axes = [1] : (tensor<?x?xf32>, tensor<i32>) -> tensor<?xf32>
      bp.return %r : tensor<?xf32>
    }
    bp.func @row(%x: tensor<?x3xf32>, %i: tensor<i64>) -> tensor<3xf32> {
      %r = bp.index %x[%i] axes = [0] : (tensor<?x3xf32>, tensor<i64>) -> tensor<3xf32>
      bp.return %r : tensor<3xf32>
    }
    bp.func @outer(%x: tensor<?x?x?xi32>, %i: tensor<i32>, %k: tensor<i32>) -> tensor<?xi32> {
      %r = bp.index %x[%i, %k] axes = [0, 2]
          : (tensor<?x?x?xi32>, tensor<i32>, tensor<i32>) -> tensor<?xi32>
      bp.return %r : tensor<?xi32>
    })mlir");
  const int64_t n = 5, m = 7;
  std::vector<float> x(n * m);
  for (int64_t i = 0; i < n * m; ++i)
    x[i] = 0.5f * i - 3.0f;
  auto dx = view<2>(x, {n, m});
  using ColumnFn = void(Desc<float, 1> *, Desc<float, 2> *, Desc<int32_t, 0> *);
  for (int32_t j : {0, 3, 6, -1, -7, 7, 100, -8, -100}) {
    CAPTURE(j);
    auto dj = scalar(j);
    Desc<float, 1> out;
    c.lookup<ColumnFn>("column")(&out, &dx, &dj);
    REQUIRE(out.sizes[0] == n);
    int64_t col = clampedPosition(j, m);
    for (int64_t i = 0; i < n; ++i)
      CHECK(out.aligned[out.offset + i * out.strides[0]] == x[i * m + col]);
    release(out);
  }

  using RowFn = void(Desc<float, 1> *, Desc<float, 2> *, Desc<int64_t, 0> *);
  std::vector<float> rows(4 * 3);
  for (size_t i = 0; i < rows.size(); ++i)
    rows[i] = static_cast<float>(i * i);
  auto drows = view<2>(rows, {4, 3});
  for (int64_t i : {int64_t(0), int64_t(3), int64_t(-2), int64_t(4), int64_t(-5)}) {
    CAPTURE(i);
    auto di = scalar(i);
    Desc<float, 1> out;
    c.lookup<RowFn>("row")(&out, &drows, &di);
    int64_t row = clampedPosition(i, 4);
    for (int64_t k = 0; k < 3; ++k)
      CHECK(out.aligned[out.offset + k] == rows[row * 3 + k]);
    release(out);
  }
  // No row to read at all: zeros, and no read of the (empty) buffer.
  std::vector<float> none;
  auto dnone = view<2>(none, {0, 3});
  int64_t zero = 0;
  auto dzero = scalar(zero);
  Desc<float, 1> empty;
  c.lookup<RowFn>("row")(&empty, &dnone, &dzero);
  for (int64_t k = 0; k < 3; ++k)
    CHECK(empty.aligned[empty.offset + k] == 0.0f);
  release(empty);

  // x[i, :, k] on a 3 x 4 x 5 array.
  std::vector<int32_t> cube(3 * 4 * 5);
  for (size_t i = 0; i < cube.size(); ++i)
    cube[i] = static_cast<int32_t>(i);
  auto dcube = view<3>(cube, {3, 4, 5});
  int32_t i = -1, k = 2;
  auto di = scalar(i);
  auto dk = scalar(k);
  Desc<int32_t, 1> outer;
  c.lookup<void(Desc<int32_t, 1> *, Desc<int32_t, 3> *, Desc<int32_t, 0> *,
                Desc<int32_t, 0> *)>("outer")(&outer, &dcube, &di, &dk);
  REQUIRE(outer.sizes[0] == 4);
  for (int64_t jj = 0; jj < 4; ++jj)
    CHECK(outer.aligned[outer.offset + jj] == cube[2 * 20 + jj * 5 + 2]);
  release(outer);
}

TEST_CASE("bp lowering: update_index writes a Variable in place, drops out-of-range writes") {
  Compiled c(R"mlir(
    bp.func @set_row(%e: tensor<4xf32>, %i: tensor<i32>)
        vars(%w: tensor<?x4xf32> {bp.var = "w"}) {
      %w2 = bp.update_index %e into %w[%i] axes = [0]
          : (tensor<4xf32>, tensor<?x4xf32>, tensor<i32>) -> tensor<?x4xf32>
      bp.return vars(%w2 : tensor<?x4xf32>)
    }
    bp.func @set_column(%s: tensor<f32>, %j: tensor<i64>)
        vars(%w: tensor<?x4xf32> {bp.var = "w"}) {
      %w2 = bp.update_index %s into %w[%j] axes = [1]
          : (tensor<f32>, tensor<?x4xf32>, tensor<i64>) -> tensor<?x4xf32>
      bp.return vars(%w2 : tensor<?x4xf32>)
    }
    bp.func @set_rows(%e: tensor<f32>) vars(%w: tensor<?x4xf32> {bp.var = "w"}) {
      %w2 = bp.update_slice %e into %w[1:?:2, 1:3:1] : tensor<f32> into tensor<?x4xf32>
      bp.return vars(%w2 : tensor<?x4xf32>)
    })mlir");
  // The new value of w is written into w's own buffer: no result.
  CHECK(c.numResults["set_row"] == 0);
  CHECK(c.numResults["set_column"] == 0);
  CHECK(c.numResults["set_rows"] == 0);

  const int64_t n = 5;
  std::vector<float> w(n * 4), expected;
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = static_cast<float>(i);
  expected = w;
  auto dw = view<2>(w, {n, 4});
  std::vector<float> e = {-1, -2, -3, -4};
  auto de = view<1>(e, {4});
  using RowFn = void(Desc<float, 1> *, Desc<int32_t, 0> *, Desc<float, 2> *);
  for (int32_t i : {1, -1, 5, -6, 0}) {
    CAPTURE(i);
    auto di = scalar(i);
    c.lookup<RowFn>("set_row")(&de, &di, &dw);
    int64_t row = i < 0 ? i + n : i;
    if (row >= 0 && row < n)
      for (int64_t k = 0; k < 4; ++k)
        expected[row * 4 + k] = e[k];
    CHECK(w == expected);
    for (float &value : e)
      value -= 10.0f;
  }

  using ColumnFn = void(Desc<float, 0> *, Desc<int64_t, 0> *, Desc<float, 2> *);
  float s = 9.5f;
  auto ds = scalar(s);
  for (int64_t j : {int64_t(2), int64_t(-4), int64_t(4), int64_t(-5)}) {
    CAPTURE(j);
    auto dj = scalar(j);
    c.lookup<ColumnFn>("set_column")(&ds, &dj, &dw);
    int64_t col = j < 0 ? j + 4 : j;
    if (col >= 0 && col < 4)
      for (int64_t i = 0; i < n; ++i)
        expected[i * 4 + col] = s;
    s += 1.0f;
    CHECK(w == expected);
  }

  // w[1::2, 1:3] = e: a strided partial slice, also written in place.
  float v = -7.0f;
  auto dv = scalar(v);
  c.lookup<void(Desc<float, 0> *, Desc<float, 2> *)>("set_rows")(&dv, &dw);
  for (int64_t i = 1; i < n; i += 2)
    for (int64_t k = 1; k < 3; ++k)
      expected[i * 4 + k] = v;
  CHECK(w == expected);
}

TEST_CASE("bp lowering: concatenate along each axis with dynamic sizes") {
  Compiled c(R"mlir(
    bp.func @rows(%a: tensor<?x3xf32>, %b: tensor<2x3xf32>, %c: tensor<?x3xf32>) -> tensor<?x3xf32> {
      %r = bp.concatenate %a, %b, %c axis = 0
          : (tensor<?x3xf32>, tensor<2x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
      bp.return %r : tensor<?x3xf32>
    }
    bp.func @columns(%a: tensor<?x2xi32>, %b: tensor<?x?xi32>) -> tensor<?x?xi32> {
      %r = bp.concatenate %a, %b axis = 1
          : (tensor<?x2xi32>, tensor<?x?xi32>) -> tensor<?x?xi32>
      bp.return %r : tensor<?x?xi32>
    })mlir");
  // Rows: a has 3 rows, b 2, c none (an empty input contributes nothing).
  std::vector<float> a(3 * 3), b(2 * 3), none;
  for (size_t i = 0; i < a.size(); ++i)
    a[i] = 1.0f + i;
  for (size_t i = 0; i < b.size(); ++i)
    b[i] = -1.0f - i;
  auto da = view<2>(a, {3, 3});
  auto db = view<2>(b, {2, 3});
  auto dnone = view<2>(none, {0, 3});
  using RowsFn = void(Desc<float, 2> *, Desc<float, 2> *, Desc<float, 2> *,
                      Desc<float, 2> *);
  Desc<float, 2> rows;
  c.lookup<RowsFn>("rows")(&rows, &da, &db, &dnone);
  REQUIRE(rows.sizes[0] == 5);
  REQUIRE(rows.sizes[1] == 3);
  std::vector<float> expected(a);
  expected.insert(expected.end(), b.begin(), b.end());
  for (int64_t i = 0; i < 15; ++i)
    CHECK(rows.aligned[rows.offset + i] == expected[i]);
  release(rows);
  // The same input twice: a, b, a.
  Desc<float, 2> aba;
  c.lookup<RowsFn>("rows")(&aba, &da, &db, &da);
  REQUIRE(aba.sizes[0] == 8);
  expected.insert(expected.end(), a.begin(), a.end());
  for (int64_t i = 0; i < 24; ++i)
    CHECK(aba.aligned[aba.offset + i] == expected[i]);
  release(aba);

  // Columns: [n x 2] ++ [n x 3] with n = 4.
  const int64_t n = 4;
  std::vector<int32_t> p(n * 2), q(n * 3);
  for (size_t i = 0; i < p.size(); ++i)
    p[i] = static_cast<int32_t>(100 + i);
  for (size_t i = 0; i < q.size(); ++i)
    q[i] = static_cast<int32_t>(-static_cast<int32_t>(i));
  auto dp = view<2>(p, {n, 2});
  auto dq = view<2>(q, {n, 3});
  Desc<int32_t, 2> cols;
  c.lookup<void(Desc<int32_t, 2> *, Desc<int32_t, 2> *, Desc<int32_t, 2> *)>(
      "columns")(&cols, &dp, &dq);
  REQUIRE(cols.sizes[0] == n);
  REQUIRE(cols.sizes[1] == 5);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < 5; ++j)
      CHECK(cols.aligned[cols.offset + i * 5 + j] ==
            (j < 2 ? p[i * 2 + j] : q[i * 3 + (j - 2)]));
  release(cols);
}
