//===- Jit.h - bm.jit objects and tracing them into bp.func -----*- C++ -*-===//
//
// A jit object remembers its target (a function, or an object's method) and
// its dyn Variables (DESIGN.md §3). Calling it in a script traces one
// specialisation per argument signature, freezes the non-dyn Variables at
// that moment and runs the compiled function; `bpc build` traces it from its
// parameters' annotations instead.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TRACER_JIT_H
#define BPC_TRACER_JIT_H

#include "bpc/Tracer/ArrayRuntime.h"

#include "llvm/ADT/StringMap.h"

namespace bpc::tracer {

struct EagerKernel;

/// One traced specialisation of a jit object (`bpc run`): its module, and
/// its compiled kernel while the executor's in-memory cache keeps it.
struct JitSpecialisation {
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::weak_ptr<EagerKernel> kernel;
  /// The function returned a tuple (even of one array): so does the call.
  bool returnsTuple = false;
};

struct JitState : NativeState {
  Value function; // a FunctionObject
  Value self;     // the bound instance, or None
  /// What a call runs when it is not `function` itself but a builtin that
  /// wraps it (bm.jit(bm.grad(f))): it gets the arguments without `self`.
  /// None otherwise.
  Value callee;
  std::vector<Value> dynVars;
  std::string name;
  /// Traced specialisations by argument signature (`bpc run`).
  llvm::StringMap<JitSpecialisation> specialisations;
  /// Each argument of the last traced specialisation (`f32[3]`, `float
  /// 2.0`), for --explain-recompile.
  std::vector<std::string> lastSignature;
  /// The parameters that static_argnames and static_argnums name, as
  /// indices into the function's parameters (a method's `self` is 0),
  /// ascending. `bpc run` specialises on every non-array argument anyway;
  /// `bpc build` compiles these from values instead of annotations.
  std::vector<size_t> staticParams;
  /// The static values of each specialisation that a call outside any
  /// trace compiled (module-level code of `bpc build` exports them): one
  /// entry per staticParams element, nullopt where the call left the
  /// parameter to its default; and where the call is.
  struct RecordedCall {
    std::vector<std::optional<Value>> values;
    unsigned bufferId = 0;
    ast::Loc loc;
  };
  std::vector<RecordedCall> recordedCalls;
};

/// bm.jit(f, dyn_vars=..., static_argnames=...).
Value makeJit(ArrayRuntime &rt, CallArgs &args);
/// Installs the jit class (a subclass of `function`, as the seed checks).
void installJitClass(ArrayRuntime &rt);
/// The jit state of `v`, or null.
JitState *asJit(const Value &v);
/// Traces `jit`, exported as `exportedName` (for messages), into `module` as
/// `bp.func @name`: its static parameters
/// (JitState::staticParams) from `staticValues` (one per static parameter;
/// nullopt takes the parameter's default), the others from their
/// annotations. Returns the non-dyn Variables the function reads, frozen
/// into it at their values now, in the order it first reads them;
/// `tracedParams` receives the indices of the parameters that became the
/// kernel's arguments, in order.
std::vector<Value> traceForExport(ArrayRuntime &rt, const Value &jit,
                                  llvm::StringRef exportedName, llvm::StringRef name,
                                  mlir::ModuleOp module,
                                  llvm::ArrayRef<std::optional<Value>> staticValues,
                                  std::vector<size_t> &tracedParams);
/// The Variables of a dyn_vars argument: a Variable, a list/tuple/dict of
/// them, or a vars() collection; each listed once.
std::vector<Value> collectVariables(ArrayRuntime &rt, const Value &v);

} // namespace bpc::tracer

#endif // BPC_TRACER_JIT_H
