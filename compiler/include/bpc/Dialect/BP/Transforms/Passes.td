//===- Passes.td - Transformations of bp IR ----------------*- tablegen -*-===//

#ifndef BPC_DIALECT_BP_TRANSFORMS_PASSES_TD
#define BPC_DIALECT_BP_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

//===----------------------------------------------------------------------===//
// Autodiff
//===----------------------------------------------------------------------===//

def BPCTestGrad : Pass<"bpc-test-grad", "mlir::ModuleOp"> {
  let summary = "Appends the gradient function of one bp.func (for tests)";
  let description = [{
    Runs `bpc::bp::buildGradientFunc` (Autodiff.h) on the function named by
    `func`, so that golden tests show the gradient IR that bm.grad builds:

      - `bp.func @f(xs) vars(vs) -> rs` with `func=f wrt=i,j loss=k` =>
        `@f` and, after it, `bp.func @f_grad(xs) vars(vs) -> (rs, typeof(in_i),
        typeof(in_j))` returning `rs` and d rs[k] / d in_i, d rs[k] / d in_j,
        where inputs count ordinary arguments, then Variables.

    Errors of the transformation (a non-scalar loss, a non-float input) are
    reported as diagnostics and fail the pass. Running it again on
    `@f_grad` gives higher derivatives.
  }];
  let dependentDialects = ["::bpc::bp::BPDialect"];
  let options = [
    Option<"funcName", "func", "std::string", /*default=*/"\"\"",
           "The bp.func to differentiate">,
    ListOption<"wrtArgs", "wrt", "unsigned",
               "Inputs (arguments, then Variables) to differentiate with "
               "respect to (default: every f32/f64 input)">,
    Option<"lossResult", "loss", "unsigned", /*default=*/"0",
           "The result that is the loss (a 0-d float array)">,
    Option<"gradName", "name", "std::string", /*default=*/"\"\"",
           "Name of the new function (default: <func>_grad)">,
  ];
}

#endif // BPC_DIALECT_BP_TRANSFORMS_PASSES_TD
