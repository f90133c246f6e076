//===- TraceContext.h - The bp.func being traced ----------------*- C++ -*-===//
//
// One specialisation of a jitted function while it is traced: the bp.func,
// the builder at its end, and the state of every Variable it touches. Dyn
// Variables are block arguments whose current value advances with each
// in-place update; any other Variable read is frozen into a bp.global at its
// value now (DESIGN.md §3). Writing one makes it a dyn Variable of the jitted
// function, which is then traced again (UndeclaredVariableWrite).
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TRACER_TRACECONTEXT_H
#define BPC_TRACER_TRACECONTEXT_H

#include "bpc/Dialect/BP/IR/BPOps.h"
#include "bpc/Tracer/ArrayRuntime.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <string>
#include <vector>

namespace bpc::tracer {

/// Thrown (a C++ exception, which Python's `try` does not catch) when a
/// trace writes a Variable that is not one of its dyn vars: the jit adds it
/// to its dyn vars and traces again, so that reads before the write see the
/// Variable's run-time value too (BrainPy 2.4 finds written Variables by
/// itself; reads stay frozen, as the seed's Examples 1 and 2 show).
struct UndeclaredVariableWrite {
  InstanceObject *var;
};

class TraceContext {
public:
  /// Starts `bp.func @name` at the end of `module` with the given ordinary
  /// argument types (and `bp.dims` names) and dyn Variables.
  TraceContext(ArrayRuntime &rt, mlir::ModuleOp module, llvm::StringRef name,
               llvm::ArrayRef<mlir::Type> argTypes,
               llvm::ArrayRef<llvm::SmallVector<std::string, 4>> argDims,
               llvm::ArrayRef<Value> dynVars, mlir::Location loc);
  ~TraceContext();

  ArrayRuntime &rt;
  /// Unique among all traces, so that an array from a finished trace is not
  /// mistaken for one of a new trace allocated at the same address.
  const uint64_t id;
  /// Frames above this index are user calls inlined into the trace.
  size_t baseDepth;
  mlir::ModuleOp module;
  bp::FuncOp func;
  mlir::OpBuilder builder;

  /// With `captureVariables`, a Variable that is not a dyn var becomes a new
  /// Variable argument of the function when first read or written (its
  /// caller passes the value it has there), instead of a frozen constant:
  /// bm.grad's function is traced like this and then inlined into the trace
  /// it is called from (or run eagerly with the Variables' current values).
  bool captureVariables = false;
  /// Set for a function traced to be differentiated: reverse mode handles
  /// straight-line code only, so a `for` over range() unrolls whatever its
  /// length instead of becoming a bp.while (TracedControlFlow.cpp).
  bool unrollLoops = false;
  /// The symbolic value of ordinary argument `i`.
  mlir::Value argument(unsigned i) { return func.getBody().getArgument(i); }
  /// The traced value of an array operand (Variable, array, this trace's
  /// symbolic value); Python scalars are not arrays and return null.
  mlir::Value valueOf(const Value &v);
  /// Records `newValue` as the Variable's value, or raises for a non-dyn one.
  void writeVariable(const Value &var, mlir::Value newValue);
  /// Advances a RandomState's key. A dyn one is written like any Variable;
  /// a non-dyn one advances only within this trace, from its frozen value,
  /// so successive draws differ but every call of the specialisation
  /// repeats them (the seed's `f1() == f1()`, DESIGN.md §3).
  void advanceRandomKey(const Value &var, mlir::Value newKey);
  /// The values every Variable the trace touched has now: dyn Variables'
  /// current values and frozen (or trace-local) ones. Traced control flow
  /// saves it before a branch or loop body and merges what changed.
  struct VarState {
    std::vector<mlir::Value> dyn;
    llvm::DenseMap<InstanceObject *, mlir::Value> frozen;
  };
  VarState saveVars() const { return {currentDyn(), frozen}; }
  void restoreVars(const VarState &state);
  /// The dyn Variables in argument order (captured ones included).
  std::vector<InstanceObject *> dynVariables() const {
    std::vector<InstanceObject *> out;
    for (const DynVar &d : dynVars)
      out.push_back(d.var);
    return out;
  }
  /// The Variables of `state` in a fixed order, with their values; a
  /// frozen Variable missing from `state` gets its frozen value.
  std::vector<std::pair<InstanceObject *, mlir::Value>> varValues(const VarState &state,
                                                                  llvm::ArrayRef<InstanceObject *> frozenOrder);
  /// Sets the value of a Variable listed by varValues().
  void setVarValue(InstanceObject *var, mlir::Value value);
  /// Ends the function with `results` then the dyn Variables' values and
  /// verifies it; on failure the function is erased and an error raised.
  void finish(llvm::ArrayRef<mlir::Value> results);
  /// Leaves the function in the module (finish() succeeded).
  bool finished = false;
  /// The non-dyn Variables this trace froze into bp.globals, in the order
  /// it first read them, each once. One that no global reaches is named
  /// `<function>.frozen.<its index here>` (a dyn one `<function>.dyn_vars.<i>`),
  /// as the library's manifest names it (bpc/Tracer/Export.h).
  const std::vector<InstanceObject *> &frozenVariables() const { return frozenReads; }

private:
  std::vector<mlir::Value> currentDyn() const {
    std::vector<mlir::Value> out;
    for (const DynVar &d : dynVars)
      out.push_back(d.current);
    return out;
  }
  mlir::Value frozenValue(InstanceObject *var);
  mlir::Value captureVariable(InstanceObject *var);
  struct DynVar {
    InstanceObject *var;
    mlir::Value current;
  };
  std::vector<DynVar> dynVars;
  llvm::DenseMap<InstanceObject *, unsigned> dynIndex;
  llvm::DenseMap<InstanceObject *, mlir::Value> frozen;
  std::vector<InstanceObject *> frozenReads;
  /// The bp.globals made for frozenReads, erased with a trace that fails.
  std::vector<bp::GlobalOp> createdGlobals;
  llvm::SmallPtrSet<InstanceObject *, 8> frozenSeen;
};

/// Makes `rt.activeTrace` point at a trace for the duration of a scope.
struct ActiveTrace {
  ActiveTrace(ArrayRuntime &rt, TraceContext *t) : rt(rt), saved(rt.activeTrace) {
    rt.activeTrace = t;
  }
  ~ActiveTrace() { rt.activeTrace = saved; }
  ActiveTrace(const ActiveTrace &) = delete;
  ActiveTrace &operator=(const ActiveTrace &) = delete;
  ArrayRuntime &rt;
  TraceContext *saved;
};

/// The path of `var` from the module's globals (`lr.w`, `net.layers.0.b`),
/// or "" when no global reaches it.
std::string variablePath(Interp &in, const Value &var);

/// A Variable met by reachableVariables().
struct ReachableVariable {
  std::string path; ///< As variablePath() names it.
  Value var;
  /// The path passes through a module: the Variable is library state
  /// (`bm.random.DEFAULT`), not the model's own.
  bool viaModule = false;
};

/// Every Variable reachable from the module's globals (in their order, then
/// attributes, list/tuple items and dict entries in insertion order, depth
/// first: vars() order), each once, at the path variablePath() gives it.
std::vector<ReachableVariable> reachableVariables(Interp &in);

/// A DenseElementsAttr with the concrete array's contents.
mlir::DenseElementsAttr denseAttrOf(mlir::MLIRContext *ctx, const ArrayState &a);

} // namespace bpc::tracer

#endif // BPC_TRACER_TRACECONTEXT_H
