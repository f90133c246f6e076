//===- BPToLinalgTest.cpp - bp lowering, run end to end in the JIT --------===//
//
// Parses bp modules, runs `bpc-lower-bp`, `bpc-bufferize` and
// `bpc-lower-to-llvm`, JITs the result and compares with plain C++ loops.
//
//===----------------------------------------------------------------------===//

#include "bpc/Dialect/BP/IR/BPDialect.h"
#include "bpc/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/TargetSelect.h"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <array>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

/// A strided memref descriptor of rank N, as `_mlir_ciface_` functions take.
template <typename T, int N> struct Desc {
  T *allocated;
  T *aligned;
  int64_t offset;
  int64_t sizes[N];
  int64_t strides[N];
};
template <typename T> struct Desc<T, 0> {
  T *allocated;
  T *aligned;
  int64_t offset;
};

/// A row-major descriptor over `data`.
template <int N, typename T>
Desc<T, N> view(std::vector<T> &data, std::array<int64_t, N> shape) {
  Desc<T, N> d;
  d.allocated = d.aligned = data.data();
  d.offset = 0;
  int64_t stride = 1;
  for (int i = N - 1; i >= 0; --i) {
    d.sizes[i] = shape[i];
    d.strides[i] = stride;
    stride *= shape[i];
  }
  return d;
}

/// A JIT-compiled bp module.
class Compiled {
public:
  explicit Compiled(const std::string &source) {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    mlir::DialectRegistry registry;
    registry.insert<bpc::bp::BPDialect>();
    bpc::registerPipelineDialects(registry);
    bpc::registerPipelines();
    context.appendDialectRegistry(registry);
    module = mlir::parseSourceString<mlir::ModuleOp>(source, &context);
    REQUIRE(module);

    mlir::PassManager toBuffers(&context);
    REQUIRE(mlir::succeeded(bpc::buildLowerBPPipeline(toBuffers)));
    REQUIRE(mlir::succeeded(bpc::buildBufferizePipeline(toBuffers)));
    REQUIRE(mlir::succeeded(toBuffers.run(*module)));
    // Result counts after bufferization: a Variable's result must be gone.
    module->walk([&](mlir::func::FuncOp f) {
      if (!f.isDeclaration())
        numResults[f.getName().str()] = f.getNumResults();
    });

    mlir::PassManager toLLVM(&context);
    REQUIRE(mlir::succeeded(bpc::buildCPUToLLVMPipeline(toLLVM)));
    REQUIRE(mlir::succeeded(toLLVM.run(*module)));
    mlir::ExecutionEngineOptions options;
    options.transformer = mlir::makeOptimizingTransformer(3, 0, nullptr);
    options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
    auto created = mlir::ExecutionEngine::create(*module, options);
    REQUIRE(static_cast<bool>(created));
    engine = std::move(*created);
  }

  template <typename Fn> Fn *lookup(const std::string &name) {
    auto symbol = engine->lookup("_mlir_ciface_" + name);
    REQUIRE(static_cast<bool>(symbol));
    return reinterpret_cast<Fn *>(*symbol);
  }

  std::map<std::string, unsigned> numResults;

private:
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::unique_ptr<mlir::ExecutionEngine> engine;
};

/// Frees a result buffer that the compiled code allocated with malloc.
template <typename T, int N> void release(Desc<T, N> &d) {
  std::free(d.allocated);
}

} // namespace

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
