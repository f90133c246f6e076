//===- Destinations.h - Retargeting destination-style chains ----*- C++ -*-===//
//
// Both the bp lowering (a dyn Variable's new value written into its own
// buffer) and bpc-results-to-out-params (a result written into the caller's
// buffer) make a chain of destination-style ops compute into a given tensor
// instead of a fresh one; this is the one implementation.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_CONVERSION_DESTINATIONS_H
#define BPC_CONVERSION_DESTINATIONS_H

#include "mlir/IR/PatternMatch.h"

namespace bpc {

/// Makes the chain of destination-style ops that produces `value` write into
/// `dest`: follows tied destinations back to the `tensor.empty` that starts
/// the chain and replaces that use of it with `dest`. An empty tensor has no
/// contents, so any tensor of its type may replace it without changing a
/// value. The chain is followed only through destinations that one op alone
/// uses (CSE may share a fill between two reductions; retargeting it would
/// make both write `dest`). Fails when the chain starts elsewhere (an
/// argument, a constant, an op that is not destination-style).
bool retargetDestination(mlir::RewriterBase &rewriter, mlir::Value value, mlir::Value dest);

} // namespace bpc

#endif // BPC_CONVERSION_DESTINATIONS_H
