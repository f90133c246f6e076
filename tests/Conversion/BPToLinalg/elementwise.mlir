// RUN: bpc-opt --split-input-file --bpc-lower-bp-to-linalg %s | FileCheck %s

// Tests that NumPy broadcasting becomes indexing maps: a size-1 dimension
// reads index 0 and a missing leading dimension is dropped.
// CHECK-DAG:   #[[A:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG:   #[[B:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG:   #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @broadcast_add(
// CHECK:       %[[E:.*]] = tensor.empty() : tensor<3x4xf32>
// CHECK:       linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:    outs(%[[E]] : tensor<3x4xf32>)
// CHECK:       arith.addf
bp.func @broadcast_add(%a: tensor<3x1xf32>, %b: tensor<4xf32>) -> tensor<3x4xf32> {
  %r = bp.add %a, %b : (tensor<3x1xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  bp.return %r : tensor<3x4xf32>
}

// -----

// Tests that a `?` result size is read from the operand that has it.
// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME:    %[[A:.*]]: tensor<?x3xi32>, %[[B:.*]]: tensor<i32>
// CHECK:       %[[N:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<?x3xi32>
// CHECK:       tensor.empty(%[[N]]) : tensor<?x3xi32>
// CHECK:       arith.divsi
// CHECK:       arith.remsi
// CHECK:       arith.select
bp.func @dynamic(%a: tensor<?x3xi32>, %b: tensor<i32>) -> tensor<?x3xi32> {
  %r = bp.floordiv %a, %b : (tensor<?x3xi32>, tensor<i32>) -> tensor<?x3xi32>
  bp.return %r : tensor<?x3xi32>
}

// -----

// Tests that float floordiv floors the quotient and that rem fixes the sign
// of C's remainder to the divisor's.
// CHECK-LABEL: func.func @float_floor_rem(
// CHECK:       arith.divf
// CHECK:       math.floor
// CHECK:       arith.remf
// CHECK:       arith.xori
// CHECK:       arith.addf
// CHECK:       math.copysign
bp.func @float_floor_rem(%a: tensor<3xf32>, %b: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %q = bp.floordiv %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %r = bp.rem %a, %b : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  bp.return %q, %r : tensor<3xf32>, tensor<3xf32>
}

// -----

// Tests that integer rem adds the divisor to a remainder of the wrong sign.
// CHECK-LABEL: func.func @int_rem(
// CHECK:       %[[R:.*]] = arith.remsi
// CHECK:       %[[F:.*]] = arith.addi %[[R]]
// CHECK:       arith.select %{{.*}}, %[[F]], %[[R]]
bp.func @int_rem(%a: tensor<3xi32>, %b: tensor<3xi32>) -> tensor<3xi32> {
  %r = bp.rem %a, %b : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  bp.return %r : tensor<3xi32>
}

// -----

// Tests that float pow is math.powf and integer pow a square-and-multiply loop.
// CHECK-LABEL: func.func @pow(
// CHECK:       math.powf
// CHECK:       scf.for
// CHECK:       arith.muli
bp.func @pow(%a: tensor<3xf32>, %i: tensor<3xi64>) -> (tensor<3xf32>, tensor<3xi64>) {
  %p = bp.pow %a, %a : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %q = bp.pow %i, %i : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  bp.return %p, %q : tensor<3xf32>, tensor<3xi64>
}

// -----

// Tests selu: cmp, where and the unary/binary ops, one generic per op.
// CHECK-LABEL: func.func @selu(
// CHECK:       arith.cmpf ogt
// CHECK:       math.exp
// CHECK:       arith.mulf
// CHECK:       arith.subf
// CHECK:       arith.select
// CHECK:       arith.mulf
bp.func @selu(%x: tensor<?xf32>) -> tensor<?xf32> {
  %zero = bp.constant dense<0.0> : tensor<f32>
  %alpha = bp.constant dense<1.67> : tensor<f32>
  %lmbda = bp.constant dense<1.05> : tensor<f32>
  %c = bp.cmp gt, %x, %zero : (tensor<?xf32>, tensor<f32>) -> tensor<?xi1>
  %e = bp.exp %x : tensor<?xf32>
  %m = bp.mul %alpha, %e : (tensor<f32>, tensor<?xf32>) -> tensor<?xf32>
  %s = bp.sub %m, %alpha : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
  %w = bp.where %c, %x, %s : (tensor<?xi1>, tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %r = bp.mul %lmbda, %w : (tensor<f32>, tensor<?xf32>) -> tensor<?xf32>
  bp.return %r : tensor<?xf32>
}

// -----

// Tests bool comparisons (unsigned), sigmoid, abs, not and neg on ints.
// CHECK-LABEL: func.func @misc(
// CHECK:       arith.cmpi ult
// CHECK:       math.exp
// CHECK:       arith.divf
// CHECK:       math.absi
// CHECK:       arith.xori
// CHECK:       arith.subi
bp.func @misc(%p: tensor<2xi1>, %x: tensor<2xf32>, %i: tensor<2xi32>)
    -> (tensor<2xi1>, tensor<2xf32>, tensor<2xi32>, tensor<2xi32>, tensor<2xi32>) {
  %lt = bp.cmp lt, %p, %p : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  %s = bp.sigmoid %x : tensor<2xf32>
  %a = bp.abs %i : tensor<2xi32>
  %n = bp.not %i : tensor<2xi32>
  %g = bp.neg %i : tensor<2xi32>
  bp.return %lt, %s, %a, %n, %g : tensor<2xi1>, tensor<2xf32>, tensor<2xi32>, tensor<2xi32>, tensor<2xi32>
}

// -----

// Tests casts: float to int truncates, bool to float is unsigned, float to
// bool compares with zero (NaN is true).
// CHECK-LABEL: func.func @casts(
// CHECK:       arith.fptosi
// CHECK:       arith.uitofp
// CHECK:       arith.cmpf une
// CHECK:       arith.extf
bp.func @casts(%x: tensor<2xf32>, %p: tensor<2xi1>)
    -> (tensor<2xi32>, tensor<2xf32>, tensor<2xi1>, tensor<2xf64>) {
  %a = bp.cast %x : tensor<2xf32> to tensor<2xi32>
  %b = bp.cast %p : tensor<2xi1> to tensor<2xf32>
  %c = bp.cast %x : tensor<2xf32> to tensor<2xi1>
  %d = bp.cast %x : tensor<2xf32> to tensor<2xf64>
  bp.return %a, %b, %c, %d : tensor<2xi32>, tensor<2xf32>, tensor<2xi1>, tensor<2xf64>
}

// -----

// Tests that the libm-backed unary ops become their math dialect op, and that
// round is NumPy's (halves to even).
// CHECK-LABEL: func.func @libm_unary(
// CHECK:       math.exp2
// CHECK:       math.log2
// CHECK:       math.log10
// CHECK:       math.tan
// CHECK:       math.asin
// CHECK:       math.acosh
// CHECK:       math.cbrt
// CHECK:       math.floor
// CHECK:       math.roundeven
// CHECK:       math.trunc
// CHECK:       math.atan2
bp.func @libm_unary(%x: tensor<3xf32>) -> tensor<3xf32> {
  %a = bp.exp2 %x : tensor<3xf32>
  %b = bp.log2 %a : tensor<3xf32>
  %c = bp.log10 %b : tensor<3xf32>
  %d = bp.tan %c : tensor<3xf32>
  %e = bp.asin %d : tensor<3xf32>
  %f = bp.acosh %e : tensor<3xf32>
  %g = bp.cbrt %f : tensor<3xf32>
  %h = bp.floor %g : tensor<3xf32>
  %i = bp.round %h : tensor<3xf32>
  %j = bp.trunc %i : tensor<3xf32>
  %k = bp.atan2 %j, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  bp.return %k : tensor<3xf32>
}

// -----

// Tests that expm1 and log1p are Kahan's corrected forms, not math.expm1 /
// math.log1p (which convert-math-to-llvm turns into exp(x) - 1, log(1 + x)).
// CHECK-LABEL: func.func @expm1_log1p(
// CHECK-NOT:   math.expm1
// CHECK:       math.exp
// CHECK:       math.log
// CHECK:       arith.select
// CHECK-NOT:   math.log1p
bp.func @expm1_log1p(%x: tensor<3xf64>) -> tensor<3xf64> {
  %a = bp.expm1 %x : tensor<3xf64>
  %b = bp.log1p %a : tensor<3xf64>
  bp.return %b : tensor<3xf64>
}
