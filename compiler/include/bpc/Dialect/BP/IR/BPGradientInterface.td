//===- BPGradientInterface.td - Vector-Jacobian products -*- tablegen -*-===//
//
// The op interface behind reverse-mode autodiff of bp IR (DESIGN.md §4):
// each differentiable op emits its own vector-Jacobian product in bp ops,
// so the driver (bpc/Dialect/BP/Transforms/Autodiff.h) only walks the body
// backwards and accumulates.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_DIALECT_BP_IR_BPGRADIENTINTERFACE_TD
#define BPC_DIALECT_BP_IR_BPGRADIENTINTERFACE_TD

include "mlir/IR/OpBase.td"

def BP_GradientOpInterface : OpInterface<"GradientOpInterface"> {
  let cppNamespace = "::bpc::bp";
  let description = [{
    An op whose float results may carry a gradient back to its operands.
    Given the cotangent `ct_j` of each result `y_j` (an array of `y_j`'s type:
    d loss / d y_j), the op emits `sum_j ct_j * d y_j / d x_i` for each
    operand `x_i`, the vector-Jacobian product, as bp ops.

    Rules follow JAX's: NumPy broadcasting is undone by summing the
    cotangent over the broadcast dimensions; `max`/`min` and their
    reductions share the cotangent equally between tied operands
    (`_balanced_eq`, `_reduce_chooser_jvp_rule`); `abs'(0) = 1`.

    The models are attached as external models
    (`registerGradientOpInterfaceExternalModels` in
    bpc/Dialect/BP/Transforms/GradientOpInterfaceImpl.h) so that the op
    definitions do not depend on the rules, which need the whole dialect to
    build their results.
  }];

  let methods = [
    InterfaceMethod<[{
        Emits the vector-Jacobian product at the builder's insertion point,
        which is after every value of the forward computation.

        `resultCotangents` has one entry per result: the cotangent, of the
        result's exact type, or null when it is zero; at least one entry is
        non-null. On success `operandCotangents` holds one entry per operand:
        the cotangent contribution of the operand, of the operand's exact
        type, or null when the operand is not differentiable (indices,
        conditions, keys, integers) or its contribution is zero. Entries of
        non-float operands are ignored by the driver.

        Fails, after emitting an error at the op, only when the product
        cannot be expressed in bp ops (e.g. the inverse of a reshape that
        would need two inferred dimensions).
      }],
      "::mlir::LogicalResult", "buildVJP",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::ArrayRef<::mlir::Value>":$resultCotangents,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandCotangents)>
  ];
}

#endif // BPC_DIALECT_BP_IR_BPGRADIENTINTERFACE_TD
