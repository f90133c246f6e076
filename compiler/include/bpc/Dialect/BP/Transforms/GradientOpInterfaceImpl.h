//===- GradientOpInterfaceImpl.h - Gradient rules of bp ops -----*- C++ -*-===//
//
// Attaches bp::GradientOpInterface to every differentiable bp op, as
// upstream attaches e.g. BufferizableOpInterface: the rules live outside the
// dialect library because they build other ops of the dialect.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_DIALECT_BP_TRANSFORMS_GRADIENTOPINTERFACEIMPL_H
#define BPC_DIALECT_BP_TRANSFORMS_GRADIENTOPINTERFACEIMPL_H

#include "mlir/IR/DialectRegistry.h"

namespace bpc::bp {

/// Registers the gradient rules with `registry`, to be attached when the bp
/// dialect is loaded. buildGradientFunc (Autodiff.h) attaches them on first
/// use too, so only tools that query the interface themselves need this.
void registerGradientOpInterfaceExternalModels(mlir::DialectRegistry &registry);

} // namespace bpc::bp

#endif // BPC_DIALECT_BP_TRANSFORMS_GRADIENTOPINTERFACEIMPL_H
