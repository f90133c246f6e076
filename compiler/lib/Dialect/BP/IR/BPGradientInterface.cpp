//===- BPGradientInterface.cpp - Vector-Jacobian products -----------------===//
//
// The TableGen'd definitions of bp::GradientOpInterface; the rules of each op
// are external models in lib/Dialect/BP/Transforms.
//
//===----------------------------------------------------------------------===//

#include "bpc/Dialect/BP/IR/BPGradientInterface.h"

#include "bpc/Dialect/BP/IR/BPGradientInterface.cpp.inc"
