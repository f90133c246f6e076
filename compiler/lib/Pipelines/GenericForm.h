//===- GenericForm.h - A linalg op as linalg.generic ------------*- C++ -*-===//
//
// Passes that rewrite indexing maps or loop orders work on linalg.generic;
// named ops (matmul, transpose, ...) are generalized first.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_LIB_PIPELINES_GENERICFORM_H
#define BPC_LIB_PIPELINES_GENERICFORM_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"

namespace bpc {

/// `op` itself when it is a linalg.generic, else its generalization,
/// built in its place (generalizeNamedOp refuses an op that is generic
/// already). Fails for ops that have no generic form.
inline mlir::FailureOr<mlir::linalg::GenericOp> genericForm(mlir::RewriterBase &rewriter,
                                                             mlir::linalg::LinalgOp op) {
  if (auto generic = mlir::dyn_cast<mlir::linalg::GenericOp>(op.getOperation()))
    return generic;
  rewriter.setInsertionPoint(op);
  return mlir::linalg::generalizeNamedOp(rewriter, op);
}

} // namespace bpc

#endif // BPC_LIB_PIPELINES_GENERICFORM_H
