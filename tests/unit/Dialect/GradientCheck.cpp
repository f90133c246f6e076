//===- GradientCheck.cpp - Gradients against finite differences -----------===//

#include "GradientCheck.h"

#include "../Conversion/JitTestSupport.h"

#include "bpc/Dialect/BP/IR/BPOps.h"
#include "bpc/Dialect/BP/Transforms/Autodiff.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Verifier.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace mlir;
namespace bp = bpc::bp;

namespace bpc::testing {
namespace {

int64_t numElements(const std::vector<int64_t> &shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t{1},
                         std::multiplies<int64_t>());
}

RankedTensorType vectorType(OpBuilder &b, int64_t size) {
  return RankedTensorType::get({size}, b.getF64Type());
}

/// A flat slice of `flat` or an update of `dest` at [offset, offset + size).
Value sliceAt(OpBuilder &b, Location loc, Value flat, int64_t offset,
              int64_t size) {
  return b.create<bp::SliceOp>(loc, vectorType(b, size), flat,
                               ArrayRef<int64_t>{offset},
                               ArrayRef<int64_t>{offset + size},
                               ArrayRef<int64_t>{1});
}

Value reshapeTo(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return b.create<bp::ReshapeOp>(loc, type, value);
}

/// Appends `@entry(%flat: tensor<Sxf64>) -> tensor<(1+G)xf64>`: the inputs
/// of `g` cut from one vector, `g`'s body inlined, and the loss followed by
/// the gradients (its last `numGradients` results) flattened into one
/// vector, so that the test calls one C signature whatever the function.
void appendEntry(ModuleOp module, bp::FuncOp g, const GradientCase &c) {
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  Location loc = b.getUnknownLoc();
  int64_t inputCount = 0, outputCount = 1;
  for (const Array &input : c.inputs)
    inputCount += numElements(input.shape);
  for (unsigned index : c.wrt)
    outputCount += numElements(c.inputs[index].shape);
  auto entry = b.create<bp::FuncOp>(loc, "entry",
                                    TypeRange{vectorType(b, inputCount)},
                                    TypeRange{},
                                    TypeRange{vectorType(b, outputCount)});
  Block &block = entry.getBody().front();
  b.setInsertionPointToStart(&block);

  IRMapping map;
  int64_t offset = 0;
  Block &body = g.getBody().front();
  REQUIRE(body.getNumArguments() == c.inputs.size());
  for (auto [arg, input] : llvm::zip(body.getArguments(), c.inputs)) {
    int64_t size = numElements(input.shape);
    Value piece = sliceAt(b, loc, block.getArgument(0), offset, size);
    map.map(arg, reshapeTo(b, loc, piece, arg.getType()));
    offset += size;
  }
  for (Operation &op : body.without_terminator())
    b.clone(op, map);

  auto ret = cast<bp::ReturnOp>(body.getTerminator());
  SmallVector<std::pair<Value, int64_t>> outputs{
      {ret.getResults()[c.loss], 1}};
  ValueRange gradients = ret.getResults().take_back(c.wrt.size());
  for (auto [gradient, index] : llvm::zip(gradients, c.wrt))
    outputs.push_back({gradient, numElements(c.inputs[index].shape)});
  Value out = b.create<bp::ZerosOp>(loc, vectorType(b, outputCount),
                                    ValueRange{});
  offset = 0;
  for (auto [value, size] : outputs) {
    Value flat = reshapeTo(b, loc, map.lookup(value), vectorType(b, size));
    out = b.create<bp::UpdateSliceOp>(loc, out.getType(), flat, out,
                                      ArrayRef<int64_t>{offset},
                                      ArrayRef<int64_t>{offset + size},
                                      ArrayRef<int64_t>{1});
    offset += size;
  }
  b.create<bp::ReturnOp>(loc, ValueRange{out}, ValueRange{});
}

DialectRegistry bpRegistry() {
  DialectRegistry registry;
  registry.insert<bp::BPDialect>();
  return registry;
}

/// Parses `source`, appends the gradient function of `c.func` and returns
/// the module.
OwningOpRef<ModuleOp> parseWithGradient(MLIRContext &context,
                                        const std::string &source,
                                        const std::string &func,
                                        std::vector<unsigned> wrt,
                                        unsigned loss,
                                        const std::string &name,
                                        bp::FuncOp *gradient = nullptr) {
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(source, &context);
  REQUIRE(module);
  auto f = module->lookupSymbol<bp::FuncOp>(func);
  REQUIRE(f);
  FailureOr<bp::FuncOp> g = bp::buildGradientFunc(f, wrt, loss, name);
  REQUIRE(succeeded(g));
  if (gradient)
    *gradient = *g;
  return module;
}

std::string print(ModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os);
  return text;
}

/// The compiled entry point of a case.
class Entry {
public:
  explicit Entry(const GradientCase &c)
      : compiled(build(c, outSize), /*outParams=*/true),
        fn(compiled.lookup<void(Desc<double, 1> *, Desc<double, 1> *)>(
            "entry")) {}

  std::vector<double> operator()(std::vector<double> flat) {
    auto in = view<1>(flat, {static_cast<int64_t>(flat.size())});
    // The kernel writes its result into our buffer, as bpc build's do.
    std::vector<double> result(outSize);
    auto out = view<1>(result, {outSize});
    fn(&in, &out);
    return result;
  }

private:
  static std::string build(const GradientCase &c, int64_t &size) {
    MLIRContext context(bpRegistry());
    bp::FuncOp g;
    OwningOpRef<ModuleOp> module = parseWithGradient(
        context, c.source, c.func, c.wrt, c.loss, "grad", &g);
    appendEntry(*module, g, c);
    REQUIRE(succeeded(verify(*module)));
    auto entry = module->lookupSymbol<bp::FuncOp>("entry");
    size = cast<RankedTensorType>(entry.getResultTypes()[0]).getDimSize(0);
    return print(*module);
  }

  int64_t outSize = 0;
  Compiled compiled;
  void (*fn)(Desc<double, 1> *, Desc<double, 1> *);
};

std::vector<double> flatten(const GradientCase &c) {
  std::vector<double> flat;
  for (const Array &input : c.inputs) {
    REQUIRE(static_cast<int64_t>(input.values.size()) ==
            numElements(input.shape));
    flat.insert(flat.end(), input.values.begin(), input.values.end());
  }
  return flat;
}

} // namespace

GradientValues evaluateGradient(const GradientCase &c) {
  Entry entry(c);
  std::vector<double> out = entry(flatten(c));
  return {out[0], std::vector<double>(out.begin() + 1, out.end())};
}

void checkGradient(const GradientCase &c) {
  Entry entry(c);
  std::vector<double> x = flatten(c);
  std::vector<double> out = entry(x);
  std::vector<int64_t> offsets{0};
  for (const Array &input : c.inputs)
    offsets.push_back(offsets.back() + numElements(input.shape));

  size_t position = 1; // out[0] is the loss.
  for (unsigned index : c.wrt) {
    for (int64_t e = 0; e < numElements(c.inputs[index].shape); ++e) {
      size_t at = offsets[index] + e;
      double h = 1e-5 * std::max(1.0, std::fabs(x[at]));
      std::vector<double> plus = x, minus = x;
      plus[at] += h;
      minus[at] -= h;
      double fd = (entry(plus)[0] - entry(minus)[0]) / (2 * h);
      double g = out[position++];
      double scale = std::max({1.0, std::fabs(g), std::fabs(fd)});
      INFO("input #", index, " element ", e, ": gradient ", g,
           ", finite difference ", fd);
      CHECK(std::fabs(g - fd) <= 1e-6 * scale);
    }
  }
  CHECK(position == out.size());
}

std::string withGradient(const std::string &source, const std::string &func,
                         std::vector<unsigned> wrt, unsigned loss,
                         const std::string &name) {
  MLIRContext context(bpRegistry());
  return print(*parseWithGradient(context, source, func, wrt, loss, name));
}

} // namespace bpc::testing
