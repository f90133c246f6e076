//===- StructuredControlFlow.h - bm.cond, bm.while_loop... ------*- C++ -*-===//
//
// BrainPy's functional control flow: each call is one bp.if / bp.while in a
// trace, plain Python outside one (StructuredControlFlow.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef BPC_TRACER_STRUCTUREDCONTROLFLOW_H
#define BPC_TRACER_STRUCTUREDCONTROLFLOW_H

#include "bpc/Tracer/ArrayRuntime.h"

namespace bpc::tracer {
/// Defines cond, ifelse, while_loop and for_loop in brainpy.math's `bm`.
void installControlFlowFunctions(ArrayRuntime &rt, AttrDict &bm);
} // namespace bpc::tracer

#endif // BPC_TRACER_STRUCTUREDCONTROLFLOW_H
