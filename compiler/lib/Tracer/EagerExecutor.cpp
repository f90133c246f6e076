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

} // namespace

std::vector<Value> EagerExecutor::run(mlir::ModuleOp module, llvm::StringRef name,
                                      llvm::ArrayRef<ArrayState *> inputs, unsigned numVars) {
  Kernel &k = compile(module, name);
  // After `bpc-bufferize` the kernel returns nothing: the results are
  // out-params after the inputs and the Variables are updated in place
  // (ModelManifest.h). Anything left means some update was not in place.
  if (k.bufferizedResults != 0)
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
  // Fresh result buffers: they overlap no input, as the kernel requires.
  std::vector<Value> out;
  std::vector<Descriptor> descs;
  for (ArrayState *a : inputs)
    descs.push_back(describe(a->buffer->data, a->shape));
  for (unsigned i = 0; i < k.numResults; ++i) {
    mlir::RankedTensorType type = k.resultTypes[i];
    DType dtype = *fromMLIRType(type.getElementType());
    auto buffer = std::make_shared<Buffer>(type.getNumElements() * byteWidth(dtype));
    descs.push_back(describe(buffer->data, type.getShape()));
    out.push_back(rt.makeConcrete(dtype, type.getShape(), buffer));
  }
  llvm::SmallVector<void *> pointers, args;
  for (Descriptor &d : descs)
    pointers.push_back(d.data());
  for (void *&p : pointers)
    args.push_back(&p);
  if (llvm::Error err = k.engine->invokePacked(k.symbol, args))
    rt.in.raise(Exc::RuntimeError, "internal error: calling '" + name + "': " +
                                       llvm::toString(std::move(err)));
  return out;
}
