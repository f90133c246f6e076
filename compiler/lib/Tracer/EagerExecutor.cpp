//===- EagerExecutor.cpp - Compiles and runs bp functions on host buffers -===//

#include "bpc/Tracer/EagerExecutor.h"

#include "bpc/Dialect/BP/IR/BPOps.h"
#include "bpc/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>
#include <cstring>

using namespace bpc;
using namespace bpc::tracer;

/// A compiled function and the shape of its bufferized signature.
struct EagerExecutor::Kernel {
  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::string symbol;
  /// Result tensor types of the bp.func (results, then Variables).
  llvm::SmallVector<mlir::RankedTensorType> resultTypes;
  unsigned numResults = 0;        // ordinary results of the bp.func
  unsigned bufferizedResults = 0; // results left after bufferization
  /// Per ordinary result: the input it returns unchanged (`x * 1` folds to
  /// `x`), or -1. Bufferization drops such results as equivalent to their
  /// argument, so run() copies the input instead.
  llvm::SmallVector<int> forwarded;
};

EagerExecutor::EagerExecutor(ArrayRuntime &rt) : rt(rt) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
}
EagerExecutor::~EagerExecutor() = default;

EagerExecutor::Kernel &EagerExecutor::compile(mlir::ModuleOp module, llvm::StringRef name) {
  std::string key;
  llvm::raw_string_ostream os(key);
  module.print(os);
  std::unique_ptr<Kernel> &slot = cache[key];
  if (slot)
    return *slot;
  auto kernel = std::make_unique<Kernel>();
  // Lower a copy: a jit specialisation's module is kept and printed again.
  mlir::OwningOpRef<mlir::ModuleOp> owned(module.clone());
  module = *owned;
  auto func = llvm::cast<bp::FuncOp>(mlir::SymbolTable::lookupSymbolIn(module, name));
  // The function type lists the ordinary results; Variables come after.
  for (mlir::Type t : func.getResultTypes())
    kernel->resultTypes.push_back(llvm::cast<mlir::RankedTensorType>(t));
  kernel->numResults = kernel->resultTypes.size();
  for (mlir::Type t : func.getVarTypes())
    kernel->resultTypes.push_back(llvm::cast<mlir::RankedTensorType>(t));
  kernel->symbol = "_mlir_ciface_" + name.str();

  std::string why;
  mlir::ScopedDiagnosticHandler handler(&rt.context, [&](mlir::Diagnostic &d) {
    why += d.str() + "\n";
    return mlir::success();
  });
  auto fail = [&](const llvm::Twine &stage) -> Kernel & {
    rt.in.raise(Exc::RuntimeError, "internal error: " + stage + " failed: " + why);
  };
  mlir::PassManager toTensors(&rt.context);
  if (mlir::failed(buildLowerBPPipeline(toTensors)) || mlir::failed(toTensors.run(module)))
    return fail("lowering '" + name + "' to tensors");
  kernel->forwarded.assign(kernel->numResults, -1);
  module.walk([&](mlir::func::FuncOp f) {
    if (f.getName() != name)
      return;
    mlir::Operation *ret = f.getBody().front().getTerminator();
    for (unsigned i = 0; i < kernel->numResults; ++i)
      if (auto arg = llvm::dyn_cast<mlir::BlockArgument>(ret->getOperand(i)))
        kernel->forwarded[i] = static_cast<int>(arg.getArgNumber());
  });
  mlir::PassManager toBuffers(&rt.context);
  if (mlir::failed(buildBufferizePipeline(toBuffers)) || mlir::failed(toBuffers.run(module)))
    return fail("lowering '" + name + "' to buffers");
  module.walk([&](mlir::func::FuncOp f) {
    if (f.getName() == name)
      kernel->bufferizedResults = f.getNumResults();
  });
  mlir::PassManager toLLVM(&rt.context);
  if (mlir::failed(buildCPUToLLVMPipeline(toLLVM)) || mlir::failed(toLLVM.run(module)))
    return fail("lowering '" + name + "' to LLVM");
  mlir::ExecutionEngineOptions options;
  // -O2 without fast-math: eager and jitted code must agree bit for bit.
  options.transformer = mlir::makeOptimizingTransformer(2, 0, nullptr);
  auto created = mlir::ExecutionEngine::create(module, options);
  if (!created)
    return fail("JIT compilation of '" + name + "': " + llvm::toString(created.takeError()));
  kernel->engine = std::move(*created);
  slot = std::move(kernel);
  return *slot;
}

namespace {
/// A strided memref descriptor of any rank: every field is 8 bytes.
using Descriptor = llvm::SmallVector<int64_t, 16>;

Descriptor describe(void *data, llvm::ArrayRef<int64_t> shape) {
  Descriptor d = {reinterpret_cast<int64_t>(data), reinterpret_cast<int64_t>(data), 0};
  d.append(shape.begin(), shape.end());
  llvm::SmallVector<int64_t> strides(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  d.append(strides.begin(), strides.end());
  return d;
}

/// Copies a strided result into a new dense buffer.
void copyStrided(const int64_t *desc, size_t rank, size_t elt, char *out) {
  const char *base = reinterpret_cast<const char *>(desc[1]) + desc[2] * elt;
  llvm::ArrayRef<int64_t> sizes(desc + 3, rank), strides(desc + 3 + rank, rank);
  int64_t total = 1;
  for (int64_t s : sizes)
    total *= s;
  llvm::SmallVector<int64_t> idx(rank, 0);
  for (int64_t n = 0; n < total; ++n) {
    int64_t off = 0;
    for (size_t d = 0; d < rank; ++d)
      off += idx[d] * strides[d];
    std::memcpy(out + n * elt, base + off * elt, elt);
    for (int d = static_cast<int>(rank) - 1; d >= 0; --d) {
      if (++idx[d] < sizes[d])
        break;
      idx[d] = 0;
    }
  }
}
} // namespace

std::vector<Value> EagerExecutor::run(mlir::ModuleOp module, llvm::StringRef name,
                                      llvm::ArrayRef<ArrayState *> inputs, unsigned numVars) {
  Kernel &k = compile(module, name);
  unsigned numVarResults = k.resultTypes.size() - k.numResults;
  unsigned liveResults =
      k.numResults - static_cast<unsigned>(llvm::count_if(k.forwarded, [](int f) { return f >= 0; }));
  bool varsInPlace = k.bufferizedResults == liveResults;
  if (!varsInPlace && k.bufferizedResults != liveResults + numVarResults)
    rt.in.raise(Exc::NotImplementedError,
                "this jitted function updates only some of its Variables in place; not "
                "supported yet");
  // Variables are written in place: give each its own buffer first.
  for (ArrayState *v : inputs.take_back(numVars))
    if (v->buffer.use_count() > 1) {
      auto fresh = std::make_shared<Buffer>(v->buffer->bytes);
      std::memcpy(fresh->data, v->buffer->data, v->buffer->bytes);
      v->buffer = fresh;
    }
  // Results first (one struct of descriptors), then one descriptor per input.
  unsigned numOut = k.bufferizedResults;
  Descriptor results;
  llvm::SmallVector<size_t> resultOffsets;
  // Bufferized result j is the j-th ordinary result that is not forwarded,
  // then (when not in place) the Variables.
  llvm::SmallVector<unsigned> resultIndex;
  for (unsigned i = 0; i < k.numResults; ++i)
    if (k.forwarded[i] < 0)
      resultIndex.push_back(i);
  for (unsigned i = k.numResults; i < k.resultTypes.size(); ++i)
    resultIndex.push_back(i);
  for (unsigned j = 0; j < numOut; ++j) {
    resultOffsets.push_back(results.size());
    results.resize(results.size() + 3 + 2 * k.resultTypes[resultIndex[j]].getRank(), 0);
  }
  std::vector<Descriptor> descs;
  for (ArrayState *a : inputs)
    descs.push_back(describe(a->buffer->data, a->shape));
  llvm::SmallVector<void *> pointers, args;
  if (numOut)
    pointers.push_back(results.data());
  for (Descriptor &d : descs)
    pointers.push_back(d.data());
  for (void *&p : pointers)
    args.push_back(&p);
  if (llvm::Error err = k.engine->invokePacked(k.symbol, args))
    rt.in.raise(Exc::RuntimeError, "internal error: calling '" + name + "': " +
                                       llvm::toString(std::move(err)));

  std::vector<Value> out(k.numResults);
  for (unsigned i = 0; i < k.numResults; ++i)
    if (k.forwarded[i] >= 0) {
      // A copy: the input may be a Variable that a later call updates in place.
      const ArrayState &a = *inputs[k.forwarded[i]];
      auto buffer = std::make_shared<Buffer>(a.buffer->bytes);
      std::memcpy(buffer->data, a.buffer->data, a.buffer->bytes);
      out[i] = rt.makeConcrete(a.dtype, a.shape, buffer);
    }
  for (unsigned j = 0; j < numOut; ++j) {
    unsigned i = resultIndex[j];
    mlir::RankedTensorType type = k.resultTypes[i];
    DType dtype = *fromMLIRType(type.getElementType());
    const int64_t *desc = results.data() + resultOffsets[j];
    int64_t count = type.getNumElements();
    auto buffer = std::make_shared<Buffer>(count * byteWidth(dtype));
    copyStrided(desc, type.getRank(), byteWidth(dtype), static_cast<char *>(buffer->data));
    void *allocated = reinterpret_cast<void *>(desc[0]);
    // Globals (constants) are marked with 0xdeadbeef; inputs are ours.
    bool owned = allocated != reinterpret_cast<void *>(0xdeadbeef) &&
                 llvm::none_of(inputs, [&](ArrayState *a) { return a->buffer->data == allocated; });
    if (owned)
      std::free(allocated);
    Value array = rt.makeConcrete(dtype, type.getShape(), buffer);
    if (i < k.numResults) {
      out[i] = array;
    } else {
      ArrayState *var = inputs[inputs.size() - numVarResults + (i - k.numResults)];
      std::memcpy(var->buffer->data, buffer->data, buffer->bytes);
    }
  }
  return out;
}
