//===- Autodiff.h - Reverse-mode autodiff of bp functions -------*- C++ -*-===//
//
// bm.grad as a transformation of bp IR (DESIGN.md §3, §4): a function's body
// is walked backwards and each op's bp::GradientOpInterface emits its
// vector-Jacobian product. The tracer builds bm.grad's function from the
// traced loss function with buildGradientFunc; bpc-opt's --bpc-test-grad
// shows the generated IR.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_DIALECT_BP_TRANSFORMS_AUTODIFF_H
#define BPC_DIALECT_BP_TRANSFORMS_AUTODIFF_H

#include "bpc/Dialect/BP/IR/BPOps.h"

#include "mlir/Support/LogicalResult.h"

namespace bpc::bp {

/// Builds a function `name` that computes everything `f` computes and the
/// gradient of one of its results, and inserts it right after `f` (in `f`'s
/// symbol table, with `f`'s visibility and argument attributes).
///
/// - `wrtArgs` indexes `f`'s inputs as `function_type` lists them: ordinary
///   arguments first, then dynamic Variables (so Variable `j` is
///   `f.getNumOrdinaryArguments() + j`). Each must be an f32 or f64 array;
///   an index may repeat (its gradient is returned twice, as JAX does for
///   `argnums=(0, 0)`).
/// - `lossResult` indexes `f`'s results (not the Variables' new values); the
///   result must be a 0-d f32 or f64 array.
///
/// The new function has `f`'s arguments and Variables, returns `f`'s
/// results followed by one gradient per entry of `wrtArgs`, each of its
/// input's exact type (zeros when the loss does not depend on it), and
/// yields the Variables' new values as `f` does. The gradient of a Variable
/// is taken with respect to its value on entry.
///
/// `f` has one block; a `bp.if` in it is differentiated by a `bp.if` on the
/// same condition whose branches recompute their forward values and yield
/// the cotangents of what they captured. A loss that depends on a value
/// carried by a `bp.while` is an error (a loop with a run-time trip count
/// would need a tape, as JAX's while_loop). Values used several times
/// accumulate their cotangents; only float values carry
/// cotangents, so comparisons, integer and bool ops and indices contribute
/// none. The body is left for the usual canonicalize/CSE (the bpc-lower-bp
/// pipeline starts with them).
///
/// On failure (a bad index, a non-scalar or integer loss, a non-float input,
/// an op without a gradient rule, a loop) an error is emitted at `f` or at the
/// offending op, nothing is inserted, and failure is returned. The gradient
/// rules are attached to the context on first use.
mlir::FailureOr<FuncOp> buildGradientFunc(FuncOp f,
                                          llvm::ArrayRef<unsigned> wrtArgs,
                                          unsigned lossResult,
                                          llvm::StringRef name);

} // namespace bpc::bp

#endif // BPC_DIALECT_BP_TRANSFORMS_AUTODIFF_H
