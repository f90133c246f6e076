//===- LibraryBuildTest.cpp - tensor MLIR to a working libmodel.so --------===//
//
// End to end below the tracer: hand-written tensor-level kernels for the
// seed model go through the bufferize and CPU pipelines and
// buildSharedLibrary; the library is dlopen'ed and driven only through the
// entry points of DESIGN.md §4a, against plain C++ loops.
//
//===----------------------------------------------------------------------===//

#include "LibraryTestModel.h"

#include "bpc/Pipelines/Pipelines.h"
#include "bpc/Target/LibraryEmitter.h"
#include "bpc/runtime.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <dlfcn.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

using namespace bpc;

namespace {

// SELU and the learning rate as f32 values; the MLIR gets their exact bits.
const float kAlpha = 1.6732632423543772f;
const float kScale = 1.0507009873554805f;
const float kRate = 0.01f;

uint32_t bits(float value) {
  uint32_t out;
  std::memcpy(&out, &value, sizeof out);
  return out;
}

/// selu(x) = scale * (x > 0 ? x : alpha * exp(x) - alpha); lr_step does one
/// gradient step of least squares on `w`, updated in place (its result is
/// equivalent to the argument, so bufferization drops it).
std::string kernelsMLIR() {
  return fmt::format(R"(
#id1 = affine_map<(d0) -> (d0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#d0 = affine_map<(d0, d1) -> (d0)>
#d1 = affine_map<(d0, d1) -> (d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>
func.func @selu(%x: tensor<?xf32>) -> tensor<?xf32> attributes {{llvm.emit_c_interface}} {{
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %init = tensor.empty(%n) : tensor<?xf32>
  %r = linalg.generic {{indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}}
      ins(%x : tensor<?xf32>) outs(%init : tensor<?xf32>) {{
  ^bb0(%a: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %alpha = arith.constant 0x{:08X} : f32
    %scale = arith.constant 0x{:08X} : f32
    %pos = arith.cmpf ogt, %a, %zero : f32
    %e = math.exp %a : f32
    %ae = arith.mulf %alpha, %e : f32
    %neg = arith.subf %ae, %alpha : f32
    %s = arith.select %pos, %a, %neg : f32
    %y = arith.mulf %scale, %s : f32
    linalg.yield %y : f32
  }} -> tensor<?xf32>
  return %r : tensor<?xf32>
}}

func.func @lr_step(%X: tensor<?x10xf32>, %Y: tensor<?xf32>, %w: tensor<10xf32> {{bp.var = "lr.w"}})
    -> tensor<10xf32>
    attributes {{llvm.emit_c_interface}} {{
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %X, %c0 : tensor<?x10xf32>
  %pinit = tensor.empty(%n) : tensor<?xf32>
  %pzero = linalg.fill ins(%zero : f32) outs(%pinit : tensor<?xf32>) -> tensor<?xf32>
  %pred = linalg.generic {{indexing_maps = [#id2, #d1, #d0],
                          iterator_types = ["parallel", "reduction"]}}
      ins(%X, %w : tensor<?x10xf32>, tensor<10xf32>) outs(%pzero : tensor<?xf32>) {{
  ^bb0(%xij: f32, %wj: f32, %acc: f32):
    %m = arith.mulf %xij, %wj : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }} -> tensor<?xf32>
  %err = linalg.generic {{indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}}
      ins(%Y : tensor<?xf32>) outs(%pred : tensor<?xf32>) {{
  ^bb0(%y: f32, %p: f32):
    %d = arith.subf %p, %y : f32
    linalg.yield %d : f32
  }} -> tensor<?xf32>
  %ginit = tensor.empty() : tensor<10xf32>
  %gzero = linalg.fill ins(%zero : f32) outs(%ginit : tensor<10xf32>) -> tensor<10xf32>
  %grad = linalg.generic {{indexing_maps = [#tr, #d1, #d0],
                          iterator_types = ["parallel", "reduction"]}}
      ins(%X, %err : tensor<?x10xf32>, tensor<?xf32>) outs(%gzero : tensor<10xf32>) {{
  ^bb0(%xij: f32, %ei: f32, %acc: f32):
    %m = arith.mulf %xij, %ei : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }} -> tensor<10xf32>
  %new = linalg.generic {{indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}}
      ins(%grad : tensor<10xf32>) outs(%w : tensor<10xf32>) {{
  ^bb0(%g: f32, %old: f32):
    %rate = arith.constant 0x{:08X} : f32
    %step = arith.mulf %rate, %g : f32
    %nw = arith.subf %old, %step : f32
    linalg.yield %nw : f32
  }} -> tensor<10xf32>
  return %new : tensor<10xf32>
}}
)",
                     bits(kAlpha), bits(kScale), bits(kRate));
}

float seluRef(float a) { return kScale * (a > 0.0f ? a : kAlpha * std::exp(a) - kAlpha); }

void lrStepRef(const std::vector<float> &X, const std::vector<float> &Y, std::vector<float> &w) {
  size_t n = Y.size();
  std::vector<float> err(n, 0.0f), grad(10, 0.0f);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < 10; ++j)
      err[i] = err[i] + X[i * 10 + j] * w[j];
    err[i] = err[i] - Y[i];
  }
  for (size_t j = 0; j < 10; ++j)
    for (size_t i = 0; i < n; ++i)
      grad[j] = grad[j] + X[i * 10 + j] * err[i];
  for (size_t j = 0; j < 10; ++j)
    w[j] = w[j] - kRate * grad[j];
}

bpc_array array(float *data, std::initializer_list<int64_t> shape) {
  bpc_array out{};
  out.data = data;
  out.dtype = BPC_F32;
  out.rank = static_cast<int32_t>(shape.size());
  std::copy(shape.begin(), shape.end(), out.shape);
  return out;
}

/// A temporary directory, removed with everything in it.
struct TempDir {
  llvm::SmallString<128> path;
  TempDir() { REQUIRE(!llvm::sys::fs::createUniqueDirectory("bpc-library-test", path)); }
  ~TempDir() { llvm::sys::fs::remove_directories(path); }
  std::string file(llvm::StringRef name) const {
    llvm::SmallString<128> out(path);
    llvm::sys::path::append(out, name);
    return std::string(out);
  }
};

/// Parses `source` and runs the two CPU pipelines on it.
mlir::OwningOpRef<mlir::ModuleOp> lowerToLLVM(mlir::MLIRContext &context, const std::string &source) {
  // Pipelines are parsed from text, so their passes must be registered, once.
  static bool registered = (registerPipelines(), true);
  (void)registered;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  REQUIRE(module);
  mlir::PassManager pm(&context);
  REQUIRE(mlir::succeeded(buildBufferizePipeline(pm)));
  REQUIRE(mlir::succeeded(buildCPUToLLVMPipeline(pm)));
  REQUIRE(mlir::succeeded(pm.run(*module)));
  return module;
}

std::unique_ptr<mlir::MLIRContext> makeContext() {
  mlir::DialectRegistry registry;
  registerPipelineDialects(registry);
  return std::make_unique<mlir::MLIRContext>(registry);
}

// The §4a entry points of prefix `model`.
struct ModelAPI {
  bpc_status (*create)(void **);
  void (*destroy)(void *);
  const char *(*lastError)(const void *);
  int (*varCount)(const void *);
  const char *(*varName)(const void *, int);
  bpc_status (*getVar)(void *, const char *, bpc_array *);
  bpc_status (*setVar)(void *, const char *, const bpc_array *);
  bpc_status (*save)(void *, const char *);
  bpc_status (*load)(void *, const char *);
  bpc_status (*lrJit)(void *, const bpc_array *, const bpc_array *);
  bpc_status (*seluJit)(void *, const bpc_array *, bpc_array *);

  explicit ModelAPI(void *handle) {
    auto get = [&](auto &fn, const char *name) {
      void *symbol = dlsym(handle, name);
      REQUIRE_MESSAGE(symbol, name);
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(symbol);
    };
    get(create, "model_create");
    get(destroy, "model_destroy");
    get(lastError, "model_last_error");
    get(varCount, "model_var_count");
    get(varName, "model_var_name");
    get(getVar, "model_get_var");
    get(setVar, "model_set_var");
    get(save, "model_save");
    get(load, "model_load");
    get(lrJit, "model_lr_jit");
    get(seluJit, "model_selu_jit");
  }

  std::vector<float> weights(void *ctx) const {
    std::vector<float> w(10);
    bpc_array out = array(w.data(), {10});
    REQUIRE(getVar(ctx, "lr.w", &out) == BPC_OK);
    return w;
  }
};

} // namespace

TEST_CASE("library build: the seed model as libmodel.so through the C ABI") {
  auto context = makeContext();
  mlir::OwningOpRef<mlir::ModuleOp> module = lowerToLLVM(*context, kernelsMLIR());
  ModelManifest manifest = bpc::test::seedManifest(Dim::fixed(10));
  TempDir dir;
  std::string so = dir.file("libmodel.so"), header = dir.file("model.h");
  llvm::Error error = buildSharedLibrary(*module, manifest, so, header);
  REQUIRE_MESSAGE(!error, llvm::toString(std::move(error)));
  CHECK(llvm::sys::fs::exists(header));

  void *handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  REQUIRE_MESSAGE(handle, dlerror());
  ModelAPI api(handle);
  void *ctx = nullptr;
  REQUIRE(api.create(&ctx) == BPC_OK);
  CHECK(api.varCount(ctx) == 1);
  CHECK(std::string(api.varName(ctx, 0)) == "lr.w");

  std::vector<float> w = api.weights(ctx);
  for (int i = 0; i < 10; ++i)
    CHECK(bits(w[i]) == bits(0.1f * static_cast<float>(i)));

  SUBCASE("selu into a context buffer and into the caller's") {
    const int64_t n = 100000;
    std::vector<float> x(n);
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> dist(-20.0f, 20.0f);
    for (float &v : x)
      v = dist(rng);
    x[0] = 0.0f;
    x[1] = -0.0f;
    bpc_array in = array(x.data(), {n});
    bpc_array out = array(nullptr, {});
    REQUIRE(api.seluJit(ctx, &in, &out) == BPC_OK);
    REQUIRE(out.data);
    CHECK(out.rank == 1);
    CHECK(out.shape[0] == n);
    std::vector<float> mine(n);
    bpc_array caller = array(mine.data(), {n});
    REQUIRE(api.seluJit(ctx, &in, &caller) == BPC_OK);
    const float *fromContext = static_cast<const float *>(out.data);
    // x > 0 takes the same two roundings as the reference. Otherwise the
    // compiled exp (bpc-expand-math) may differ from libm's by about an ulp
    // of e^x <= 1, scaled by alpha * scale = 1.75, plus the roundings of the
    // multiply and subtract on values below 1.76.
    double maxExcess = 0;
    for (int64_t i = 0; i < n; ++i) {
      float expected = seluRef(x[i]);
      CHECK(bits(mine[i]) == bits(fromContext[i]));
      double diff = std::fabs(static_cast<double>(mine[i]) - expected);
      double bound = x[i] > 0 ? 0 : 4 * 1.7535 * std::numeric_limits<float>::epsilon();
      maxExcess = std::max(maxExcess, diff - bound);
    }
    CHECK(maxExcess <= 0);
    CHECK(api.weights(ctx) == w);

    // A wrong shape or dtype of the result is refused before the kernel.
    bpc_array shortOut = array(mine.data(), {n - 1});
    CHECK(api.seluJit(ctx, &in, &shortOut) == BPC_ERR_SHAPE);
    bpc_array nullOut = array(nullptr, {});
    CHECK(api.seluJit(ctx, &in, nullptr) == BPC_ERR_ARG);
    CHECK(api.seluJit(ctx, nullptr, &nullOut) == BPC_ERR_ARG);
  }

  SUBCASE("lr_jit updates lr.w in place across calls; bad inputs change nothing") {
    const int64_t n = 7;
    std::vector<float> X(n * 10), Y(n);
    for (int64_t i = 0; i < n * 10; ++i)
      X[i] = static_cast<float>((i * 37) % 11) * 0.25f - 1.0f;
    for (int64_t i = 0; i < n; ++i)
      Y[i] = static_cast<float>(i) * 0.5f;
    bpc_array ax = array(X.data(), {n, 10}), ay = array(Y.data(), {n});
    std::vector<float> expected = w;
    for (int call = 0; call < 3; ++call) {
      REQUIRE(api.lrJit(ctx, &ax, &ay) == BPC_OK);
      lrStepRef(X, Y, expected);
      std::vector<float> got = api.weights(ctx);
      for (int j = 0; j < 10; ++j)
        CHECK(bits(got[j]) == bits(expected[j]));
    }
    CHECK(expected != w);

    std::vector<double> X64(X.begin(), X.end());
    bpc_array wrongDtype = ax;
    wrongDtype.dtype = BPC_F64;
    wrongDtype.data = X64.data();
    bpc_array wrongRank = array(X.data(), {n * 10});
    bpc_array wrongStatic = array(X.data(), {n * 2, 5});
    bpc_array wrongSymbol = array(Y.data(), {n - 1});
    bpc_array nullData = array(nullptr, {n, 10});
    CHECK(api.lrJit(ctx, &wrongDtype, &ay) == BPC_ERR_DTYPE);
    CHECK(std::string(api.lastError(ctx)).find("lr_jit") != std::string::npos);
    CHECK(api.lrJit(ctx, &wrongRank, &ay) == BPC_ERR_SHAPE);
    CHECK(api.lrJit(ctx, &wrongStatic, &ay) == BPC_ERR_SHAPE);
    CHECK(api.lrJit(ctx, &ax, &wrongSymbol) == BPC_ERR_SHAPE);
    CHECK(std::string(api.lastError(ctx)).find("'n'") != std::string::npos);
    CHECK(api.lrJit(ctx, &nullData, &ay) == BPC_ERR_ARG);
    CHECK(api.lrJit(ctx, nullptr, &ay) == BPC_ERR_ARG);
    CHECK(api.lrJit(nullptr, &ax, &ay) == BPC_ERR_ARG);
    CHECK(api.weights(ctx) == expected);
  }

  SUBCASE("set_var, save and load") {
    std::vector<float> mine(10, 2.5f), other(10, -1.0f);
    bpc_array in = array(mine.data(), {10});
    REQUIRE(api.setVar(ctx, "lr.w", &in) == BPC_OK);
    CHECK(api.weights(ctx) == mine);
    std::string state = dir.file("w.bpcs");
    REQUIRE(api.save(ctx, state.c_str()) == BPC_OK);
    bpc_array changed = array(other.data(), {10});
    REQUIRE(api.setVar(ctx, "lr.w", &changed) == BPC_OK);
    bpc_array wrong = array(other.data(), {9});
    CHECK(api.setVar(ctx, "lr.w", &wrong) == BPC_ERR_SHAPE);
    CHECK(api.setVar(ctx, "lr.b", &changed) != BPC_OK);
    CHECK(api.load(ctx, dir.file("missing.bpcs").c_str()) == BPC_ERR_IO);
    CHECK(api.weights(ctx) == other);
    REQUIRE(api.load(ctx, state.c_str()) == BPC_OK);
    CHECK(api.weights(ctx) == mine);
  }

  SUBCASE("only the model's entry points are exported") {
    CHECK(dlsym(handle, "bpc_ctx_create") == nullptr);
    CHECK(dlsym(handle, "bpc_ctx_call") == nullptr);
    CHECK(dlsym(handle, "_mlir_ciface_selu") == nullptr);
    CHECK(dlsym(handle, "selu") == nullptr);
    std::string command = "nm -D --defined-only '" + so + "'";
    FILE *pipe = popen(command.c_str(), "r");
    REQUIRE(pipe);
    char line[512];
    int exported = 0;
    while (std::fgets(line, sizeof line, pipe)) {
      std::string text(line);
      std::string name = text.substr(text.find_last_of(' ') + 1);
      name.erase(name.find_last_not_of("\n") + 1);
      CHECK_MESSAGE(name.rfind("model_", 0) == 0, name);
      ++exported;
    }
    CHECK(pclose(pipe) == 0);
    CHECK(exported == 11); // 9 fixed entry points + 2 functions
  }

  api.destroy(ctx);
  dlclose(handle);
}

TEST_CASE("library build: a manifest that does not match the module is an error") {
  auto context = makeContext();
  mlir::OwningOpRef<mlir::ModuleOp> module = lowerToLLVM(*context, kernelsMLIR());
  TempDir dir;
  auto build = [&](const ModelManifest &manifest) {
    llvm::Error error =
        buildSharedLibrary(*module, manifest, dir.file("libmodel.so"), dir.file("model.h"));
    return error ? llvm::toString(std::move(error)) : std::string();
  };
  ModelManifest manifest = bpc::test::seedManifest(Dim::fixed(10));
  manifest.functions[1].kernel = "gelu";
  CHECK(build(manifest).find("the module has no '_mlir_ciface_gelu'") != std::string::npos);

  manifest = bpc::test::seedManifest(Dim::fixed(10));
  manifest.functions[0].varIndices.clear();
  CHECK(build(manifest) == "function 'lr_jit': '_mlir_ciface_lr_step' takes 3 pointers, expected "
                           "2 (2 arguments, 0 Variables, 0 results)");
  CHECK(!llvm::sys::fs::exists(dir.file("libmodel.so")));
}

TEST_CASE("library build: several results, one of rank 0, are written into their out-params") {
  auto context = makeContext();
  mlir::OwningOpRef<mlir::ModuleOp> module = lowerToLLVM(*context, R"(
#id1 = affine_map<(d0) -> (d0)>
#all = affine_map<(d0) -> ()>
func.func @stats(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<f32>)
    attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %doubled = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %y = arith.addf %a, %a : f32
    linalg.yield %y : f32
  } -> tensor<?xf32>
  %s0 = tensor.empty() : tensor<f32>
  %sz = linalg.fill ins(%zero : f32) outs(%s0 : tensor<f32>) -> tensor<f32>
  %total = linalg.generic {indexing_maps = [#id1, #all], iterator_types = ["reduction"]}
      ins(%x : tensor<?xf32>) outs(%sz : tensor<f32>) {
  ^bb0(%a: f32, %acc: f32):
    %y = arith.addf %acc, %a : f32
    linalg.yield %y : f32
  } -> tensor<f32>
  return %doubled, %total : tensor<?xf32>, tensor<f32>
}
)");
  ModelManifest manifest;
  manifest.prefix = "stats";
  FunctionSpec stats;
  stats.name = "stats_jit";
  stats.kernel = "stats";
  stats.args = {{"x", DType::F32, {Dim::named("n")}}};
  stats.results = {{"doubled", DType::F32, {Dim::named("n")}}, {"total", DType::F32, {}}};
  manifest.functions.push_back(stats);
  TempDir dir;
  std::string so = dir.file("libstats.so");
  llvm::Error error = buildSharedLibrary(*module, manifest, so, dir.file("stats.h"));
  REQUIRE_MESSAGE(!error, llvm::toString(std::move(error)));

  void *handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
  REQUIRE_MESSAGE(handle, dlerror());
  auto create = reinterpret_cast<bpc_status (*)(void **)>(dlsym(handle, "stats_create"));
  auto destroy = reinterpret_cast<void (*)(void *)>(dlsym(handle, "stats_destroy"));
  auto call = reinterpret_cast<bpc_status (*)(void *, const bpc_array *, bpc_array *, bpc_array *)>(
      dlsym(handle, "stats_stats_jit"));
  REQUIRE((create && destroy && call));
  void *ctx = nullptr;
  REQUIRE(create(&ctx) == BPC_OK);
  std::vector<float> x(1001);
  float expectedTotal = 0.0f;
  for (size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<float>(i) * 0.37f - 100.0f;
    expectedTotal += x[i];
  }
  bpc_array in = array(x.data(), {static_cast<int64_t>(x.size())});
  for (int repeat = 0; repeat < 3; ++repeat) {
    bpc_array doubled = array(nullptr, {}), total = array(nullptr, {});
    REQUIRE(call(ctx, &in, &doubled, &total) == BPC_OK);
    REQUIRE(total.rank == 0);
    CHECK(bits(*static_cast<const float *>(total.data)) == bits(expectedTotal));
    const float *d = static_cast<const float *>(doubled.data);
    for (size_t i = 0; i < x.size(); ++i)
      CHECK(bits(d[i]) == bits(x[i] + x[i]));
  }
  // The caller's buffers may overlap: a result written over its own argument
  // (the kernel must not see them aliased, so the glue uses a temporary), and
  // one buffer for both results (the later result wins).
  std::vector<float> inout = x;
  float sum = 0.0f;
  bpc_array arg = array(inout.data(), {static_cast<int64_t>(x.size())});
  bpc_array over = array(inout.data(), {static_cast<int64_t>(x.size())});
  bpc_array total = array(&sum, {});
  REQUIRE(call(ctx, &arg, &over, &total) == BPC_OK);
  CHECK(bits(sum) == bits(expectedTotal));
  for (size_t i = 0; i < x.size(); ++i)
    CHECK(bits(inout[i]) == bits(x[i] + x[i]));
  inout = x;
  bpc_array sameTotal = array(inout.data(), {});
  REQUIRE(call(ctx, &in, &over, &sameTotal) == BPC_OK);
  CHECK(bits(inout[0]) == bits(expectedTotal));
  for (size_t i = 1; i < x.size(); ++i)
    CHECK(bits(inout[i]) == bits(x[i] + x[i]));
  destroy(ctx);
  dlclose(handle);
}
