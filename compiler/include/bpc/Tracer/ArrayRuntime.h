//===- ArrayRuntime.h - Arrays of the tracer: concrete and symbolic -*- C++ -*-===//
//
// An array is an instance of brainpy.math's array class carrying ArrayState:
// outside jit a concrete host buffer, inside jit an mlir::Value of the
// bp.func being traced (DESIGN.md §2). Every operation goes through
// `applyOp`, which emits the same bp ops in both cases: into the active
// trace, or into a one-op function that the eager executor compiles and runs
// (DESIGN.md §4: one definition of each op's semantics).
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TRACER_ARRAYRUNTIME_H
#define BPC_TRACER_ARRAYRUNTIME_H

#include "bpc/Tracer/DType.h"
#include "bpc/Tracer/Interp.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"

#include <memory>

namespace bpc::tracer {

class TraceContext;
class EagerExecutor;

/// A 64-byte-aligned host buffer, shared by arrays that view the same data.
struct Buffer {
  explicit Buffer(size_t bytes);
  ~Buffer();
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;
  void *data;
  size_t bytes;
};

/// The payload of an array or Variable instance.
struct ArrayState : NativeState {
  DType dtype = DType::F32;
  llvm::SmallVector<int64_t, 4> shape;
  std::shared_ptr<Buffer> buffer;  // concrete
  mlir::Value value;               // symbolic
  TraceContext *trace = nullptr;   // owner of `value`
  uint64_t traceId = 0;            // tells a leaked tracer from a new trace
  bool isSymbolic() const { return trace != nullptr; }
  int64_t numElements() const;
};

/// One operand of an op being emitted: a staged value, or a Python scalar
/// that is materialised in whatever type promotion picks.
struct Operand {
  mlir::Value value;
  TypeClass type;
  std::optional<double> scalar;
};

/// Where an op is being emitted.
struct OpEnv {
  Interp &in;
  mlir::OpBuilder &builder;
  mlir::Location loc;
};

using EmitFn = std::function<mlir::Value(OpEnv &, llvm::ArrayRef<Operand>)>;

/// Per-interpreter array machinery.
class ArrayRuntime {
public:
  explicit ArrayRuntime(Interp &in);
  ~ArrayRuntime();

  Interp &in;
  mlir::MLIRContext context;
  ClassRef arrayClass, variableClass, trainVarClass, baseClass, jitClass, collectorClass;
  /// brainpy.math.random: one module per interpreter, so that every spelling
  /// of it (bm.random, bp.math.random, an import) shares DEFAULT.
  ClassRef randomStateClass;
  Value randomModule;
  /// The trace that array operations are staged into; null outside jit.
  TraceContext *activeTrace = nullptr;
  uint64_t traceCount = 0;
  std::unique_ptr<EagerExecutor> eager;
  /// BrainPy's unique object names: `ClassName0`, `ClassName1`...
  llvm::StringMap<unsigned> nameCounters;

  /// The location of position `l` of `source` (STYLE.md's `loc()`); by
  /// default, of the code that runs in the innermost frame.
  mlir::Location loc(ast::Loc l, const ast::Module *source = nullptr);
  /// The current expression's location; inside a call that the trace
  /// inlines, a CallSiteLoc stack up to the jitted function.
  mlir::Location currentLoc();

  /// The array payload of `v`, or null.
  ArrayState *asArray(const Value &v);
  bool isVariable(const Value &v);
  Value makeConcrete(DType dtype, llvm::ArrayRef<int64_t> shape, std::shared_ptr<Buffer> buffer);
  Value makeSymbolic(TraceContext &trace, mlir::Value value);
  /// Any Python number or array as an array (bm.asarray).
  Value toArray(const Value &v);

  /// Emits `emit` over `operands` (arrays and Python scalars) into the active
  /// trace, or compiles and runs it eagerly when there is none. An update op
  /// (`updatesFirst`: the result replaces the first operand's contents) runs
  /// eagerly on a copy of that operand, passed like a dyn Variable so that
  /// bufferization writes the copy in place and never the original.
  Value applyOp(llvm::StringRef name, llvm::ArrayRef<Value> operands, const EmitFn &emit,
                bool updatesFirst = false);
};

/// Python's name for a shape in messages: f32[3,4].
std::string describeType(DType dtype, llvm::ArrayRef<int64_t> shape);
std::string describeType(mlir::Type type);
mlir::RankedTensorType tensorType(mlir::MLIRContext *ctx, DType dtype,
                                  llvm::ArrayRef<int64_t> shape);

/// Installs brainpy / brainpy.math into `in` (BrainPyModule.cpp).
Value makeBrainPyModule(Interp &in, llvm::StringRef name, llvm::StringRef display);
/// A class of the brainpy library: built in, but scripts may derive from it
/// (class Net(bp.Base), a Variable subclass).
ClassRef makeLibraryClass(Interp &in, llvm::StringRef name, ClassObject *base,
                          llvm::StringRef module);
/// A shape argument: an int or a sequence of ints, none negative.
std::vector<int64_t> shapeArg(Interp &in, const Value &v);
/// A `dtype=` argument: None gives `dflt`; a NumPy name (`bm.float32`,
/// 'int32') or Python's int/float/bool (int32/float32/bool with 64-bit off).
DType dtypeArg(Interp &in, const std::optional<Value> &v, DType dflt);
/// brainpy.math's array functions beyond the basics (MathFunctions.cpp).
void installMathFunctions(ArrayRuntime &rt, AttrDict &bm);
/// bm.grad, bm.vector_grad, bm.value_and_grad (Grad.cpp).
void installGradFunctions(ArrayRuntime &rt, AttrDict &bm);
/// brainpy.math.random (RandomModule.cpp), created on first use.
Value getRandomModule(ArrayRuntime &rt);
/// Array methods and operators (ArrayMethods.cpp).
void installArrayClass(ArrayRuntime &rt);

} // namespace bpc::tracer

#endif // BPC_TRACER_ARRAYRUNTIME_H
