// RUN: bpc-opt --split-input-file --bpc-test-grad="func=f" %s | FileCheck %s

// Tests that the gradient function keeps the forward computation, returns
// the loss and then one gradient per float input, and that a broadcast
// operand's cotangent is summed over the dimension it was stretched along.
// CHECK-LABEL: bp.func @f_grad(
// CHECK-SAME: %[[X:.*]]: tensor<2x3xf32>, %[[Y:.*]]: tensor<3xf32>)
// CHECK-SAME: -> (tensor<f32>, tensor<2x3xf32>, tensor<3xf32>)
// CHECK-NEXT: %[[R:.*]] = bp.mul %[[X]], %[[Y]]
// CHECK-NEXT: %[[L:.*]] = bp.sum %[[R]] axes = [0, 1]
// CHECK-NEXT: %[[ONE:.*]] = bp.constant dense<1.000000e+00> : tensor<f32>
// CHECK-NEXT: %[[CT:.*]] = bp.broadcast_to %[[ONE]] : tensor<f32> -> tensor<2x3xf32>
// CHECK-NEXT: %[[DX:.*]] = bp.mul %[[CT]], %[[Y]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[DY2:.*]] = bp.mul %[[CT]], %[[X]]
// CHECK-NEXT: %[[DY:.*]] = bp.sum %[[DY2]] axes = [0] : tensor<2x3xf32> -> tensor<3xf32>
// CHECK-NEXT: bp.return %[[L]], %[[DX]], %[[DY]] : tensor<f32>, tensor<2x3xf32>, tensor<3xf32>
bp.func @f(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<f32> {
  %r = bp.mul %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %l = bp.sum %r axes = [0, 1] : tensor<2x3xf32> -> tensor<f32>
  bp.return %l : tensor<f32>
}

// -----

// Tests that the cotangents of a value used three times are added up.
// CHECK-LABEL: bp.func @f_grad(
// CHECK-SAME: %[[X:.*]]: tensor<3xf32>)
// CHECK: %[[E:.*]] = bp.exp %[[X]]
// CHECK: %[[CT:.*]] = bp.broadcast_to
// CHECK-NEXT: %[[FROM_EXP:.*]] = bp.mul %[[CT]], %[[E]]
// CHECK-NEXT: %[[FROM_LHS:.*]] = bp.mul %[[CT]], %[[X]]
// CHECK-NEXT: %[[FROM_RHS:.*]] = bp.mul %[[CT]], %[[X]]
// CHECK-NEXT: %[[S1:.*]] = bp.add %[[FROM_EXP]], %[[FROM_LHS]]
// CHECK-NEXT: %[[S2:.*]] = bp.add %[[S1]], %[[FROM_RHS]]
// CHECK-NEXT: bp.return %{{.*}}, %[[S2]]
bp.func @f(%x: tensor<3xf32>) -> tensor<f32> {
  %a = bp.mul %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %e = bp.exp %x : tensor<3xf32>
  %b = bp.add %a, %e : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %l = bp.sum %b axes = [0] : tensor<3xf32> -> tensor<f32>
  bp.return %l : tensor<f32>
}

// -----

// Tests JAX's rule for max: the operand equal to the result takes the
// cotangent, a tie splits it in halves.
// CHECK-LABEL: bp.func @f_grad(
// CHECK-SAME: %[[X:.*]]: tensor<f32>, %[[Y:.*]]: tensor<f32>)
// CHECK-NEXT: %[[R:.*]] = bp.max %[[X]], %[[Y]]
// CHECK-NEXT: %[[CT:.*]] = bp.constant dense<1.000000e+00>
// CHECK-NEXT: %[[ZERO:.*]] = bp.constant dense<0.000000e+00>
// CHECK-NEXT: %[[HALF:.*]] = bp.constant dense<5.000000e-01>
// CHECK-NEXT: %[[ONE:.*]] = bp.constant dense<1.000000e+00>
// CHECK-NEXT: %[[XC:.*]] = bp.cmp eq, %[[X]], %[[R]]
// CHECK-NEXT: %[[YC:.*]] = bp.cmp eq, %[[Y]], %[[R]]
// CHECK-NEXT: %[[XT:.*]] = bp.where %[[YC]], %[[HALF]], %[[ONE]]
// CHECK-NEXT: %[[XS:.*]] = bp.where %[[XC]], %[[XT]], %[[ZERO]]
// CHECK-NEXT: %[[YT:.*]] = bp.where %[[XC]], %[[HALF]], %[[ONE]]
// CHECK-NEXT: %[[YS:.*]] = bp.where %[[YC]], %[[YT]], %[[ZERO]]
// CHECK-NEXT: %[[DX:.*]] = bp.mul %[[CT]], %[[XS]]
// CHECK-NEXT: %[[DY:.*]] = bp.mul %[[CT]], %[[YS]]
// CHECK-NEXT: bp.return %[[R]], %[[DX]], %[[DY]]
bp.func @f(%x: tensor<f32>, %y: tensor<f32>) -> tensor<f32> {
  %r = bp.max %x, %y : (tensor<f32>, tensor<f32>) -> tensor<f32>
  bp.return %r : tensor<f32>
}

// -----

// Tests matrix . vector (`bm.dot(X, w)`): the vector becomes a column, the
// cotangent a [n, 1] matrix; d X = ct @ w^T (an outer product) and
// d w = X^T @ ct, whose unit column is dropped again.
// CHECK-LABEL: bp.func @f_grad(
// CHECK-SAME: %[[X:.*]]: tensor<?x10xf32>, %[[W:.*]]: tensor<10xf32>)
// CHECK: %[[N:.*]] = bp.dim %{{.*}}, 0 : tensor<?xf32>
// CHECK-NEXT: %[[CT:.*]] = bp.broadcast_to %{{.*}} dims(%[[N]]) : tensor<f32> -> tensor<?xf32>
// CHECK-NEXT: %[[WCOL:.*]] = bp.reshape %[[W]] : tensor<10xf32> -> tensor<10x1xf32>
// CHECK-NEXT: %[[CTCOL:.*]] = bp.reshape %[[CT]] : tensor<?xf32> -> tensor<?x1xf32>
// CHECK-NEXT: %[[WT:.*]] = bp.transpose %[[WCOL]], [1, 0] : tensor<10x1xf32> -> tensor<1x10xf32>
// CHECK-NEXT: %[[DX:.*]] = bp.matmul %[[CTCOL]], %[[WT]] : (tensor<?x1xf32>, tensor<1x10xf32>) -> tensor<?x10xf32>
// CHECK-NEXT: %[[XT:.*]] = bp.transpose %[[X]], [1, 0] : tensor<?x10xf32> -> tensor<10x?xf32>
// CHECK-NEXT: %[[DWCOL:.*]] = bp.matmul %[[XT]], %[[CTCOL]] : (tensor<10x?xf32>, tensor<?x1xf32>) -> tensor<10x1xf32>
// CHECK-NEXT: %[[DW:.*]] = bp.reshape %[[DWCOL]] : tensor<10x1xf32> -> tensor<10xf32>
// CHECK-NEXT: bp.return %{{.*}}, %[[DX]], %[[DW]] : tensor<f32>, tensor<?x10xf32>, tensor<10xf32>
bp.func @f(%X: tensor<?x10xf32>, %w: tensor<10xf32>) -> tensor<f32> {
  %z = bp.matmul %X, %w : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?xf32>
  %l = bp.sum %z axes = [0] : tensor<?xf32> -> tensor<f32>
  bp.return %l : tensor<f32>
}

// -----

// Tests JAX's rule for reduce_max: the positions equal to their row's
// maximum share the row's cotangent (divided by their count). Undoing the
// reduction broadcasts in front and transposes, which needs no reshape.
// CHECK-LABEL: bp.func @f_grad(
// CHECK-SAME: %[[X:.*]]: tensor<4x5xf32>)
// CHECK-NEXT: %[[M:.*]] = bp.reduce_max %[[X]] axes = [1]
// CHECK: %[[CT:.*]] = bp.broadcast_to %{{.*}} : tensor<f32> -> tensor<4xf32>
// CHECK-NEXT: %[[MB:.*]] = bp.broadcast_to %[[M]] : tensor<4xf32> -> tensor<5x4xf32>
// CHECK-NEXT: %[[MT:.*]] = bp.transpose %[[MB]], [1, 0] : tensor<5x4xf32> -> tensor<4x5xf32>
// CHECK-NEXT: %[[EQ:.*]] = bp.cmp eq, %[[X]], %[[MT]]
// CHECK-NEXT: %[[AT:.*]] = bp.cast %[[EQ]] : tensor<4x5xi1> to tensor<4x5xf32>
// CHECK-NEXT: %[[COUNT:.*]] = bp.sum %[[AT]] axes = [1] : tensor<4x5xf32> -> tensor<4xf32>
// CHECK-NEXT: %[[SHARE:.*]] = bp.div %[[CT]], %[[COUNT]]
// CHECK-NEXT: %[[SB:.*]] = bp.broadcast_to %[[SHARE]] : tensor<4xf32> -> tensor<5x4xf32>
// CHECK-NEXT: %[[ST:.*]] = bp.transpose %[[SB]], [1, 0]
// CHECK-NEXT: %[[DX:.*]] = bp.mul %[[AT]], %[[ST]]
// CHECK-NEXT: bp.return %{{.*}}, %[[DX]]
bp.func @f(%x: tensor<4x5xf32>) -> tensor<f32> {
  %m = bp.reduce_max %x axes = [1] : tensor<4x5xf32> -> tensor<4xf32>
  %l = bp.sum %m axes = [0] : tensor<4xf32> -> tensor<f32>
  bp.return %l : tensor<f32>
}

// -----

// Tests that a slice's cotangent is written into zeros of the input's shape,
// and that mean over a `?` dimension divides by a run-time count (the sum of
// ones, as bp has no index-to-array op).
// CHECK-LABEL: bp.func @f_grad(
// CHECK-SAME: %[[X:.*]]: tensor<?x3xf32>)
// CHECK-NEXT: %[[S:.*]] = bp.slice %[[X]][1:?:2, 0:2:1]
// CHECK-NEXT: bp.mean %[[S]]
// CHECK-NEXT: %[[CT:.*]] = bp.constant dense<1.000000e+00>
// CHECK-NEXT: %[[N:.*]] = bp.dim %[[S]], 0
// CHECK-NEXT: %[[ONES:.*]] = bp.ones(%[[N]]) : tensor<?x2xf32>
// CHECK-NEXT: %[[COUNT:.*]] = bp.sum %[[ONES]] axes = [0, 1] : tensor<?x2xf32> -> tensor<f32>
// CHECK-NEXT: %[[SHARE:.*]] = bp.div %[[CT]], %[[COUNT]]
// CHECK-NEXT: %[[N2:.*]] = bp.dim %[[S]], 0
// CHECK-NEXT: %[[DS:.*]] = bp.broadcast_to %[[SHARE]] dims(%[[N2]]) : tensor<f32> -> tensor<?x2xf32>
// CHECK-NEXT: %[[M:.*]] = bp.dim %[[X]], 0
// CHECK-NEXT: %[[Z:.*]] = bp.zeros(%[[M]]) : tensor<?x3xf32>
// CHECK-NEXT: %[[DX:.*]] = bp.update_slice %[[DS]] into %[[Z]][1:?:2, 0:2:1] : tensor<?x2xf32> into tensor<?x3xf32>
// CHECK-NEXT: bp.return %{{.*}}, %[[DX]]
bp.func @f(%x: tensor<?x3xf32>) -> tensor<f32> {
  %s = bp.slice %x[1:?:2, 0:2:1] : tensor<?x3xf32> -> tensor<?x2xf32>
  %l = bp.mean %s axes = [0, 1] : tensor<?x2xf32> -> tensor<f32>
  bp.return %l : tensor<f32>
}

// -----

// Tests a function with a Variable: the Variable is differentiated (at its
// value on entry) like an argument, the integer argument is not (the pass
// takes every float input by default), the comparison carries no
// cotangent, where sends it to the selected branch, and the Variable's new
// value is still yielded.
// CHECK-LABEL: bp.func @f_grad(
// CHECK-SAME: %[[X:.*]]: tensor<3xf32>, %[[K:.*]]: tensor<2xi32>) vars(%[[W:.*]]: tensor<3xf32> {bp.var = "net.w"})
// CHECK-SAME: -> (tensor<f32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
// CHECK-NEXT: %[[ZERO:.*]] = bp.constant dense<0.000000e+00>
// CHECK-NEXT: %[[C:.*]] = bp.cmp gt, %[[X]], %[[ZERO]]
// CHECK-NEXT: %[[M:.*]] = bp.mul %[[X]], %[[W]]
// CHECK-NEXT: %[[R:.*]] = bp.where %[[C]], %[[M]], %[[ZERO]]
// CHECK-NEXT: %[[L:.*]] = bp.sum %[[R]]
// CHECK-NEXT: %[[ONE:.*]] = bp.constant dense<1.000000e+00>
// CHECK-NEXT: %[[CT:.*]] = bp.broadcast_to %[[ONE]]
// CHECK-NEXT: %[[Z:.*]] = bp.constant dense<0.000000e+00>
// CHECK-NEXT: %[[CTM:.*]] = bp.where %[[C]], %[[CT]], %[[Z]]
// CHECK-NEXT: %[[DX:.*]] = bp.mul %[[CTM]], %[[W]]
// CHECK-NEXT: %[[DW:.*]] = bp.mul %[[CTM]], %[[X]]
// CHECK-NEXT: bp.return %[[L]], %[[R]], %[[DX]], %[[DW]] : tensor<f32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32> vars(%[[M]] : tensor<3xf32>)
bp.func @f(%x: tensor<3xf32>, %k: tensor<2xi32>) vars(%w: tensor<3xf32> {bp.var = "net.w"}) -> (tensor<f32>, tensor<3xf32>) {
  %zero = bp.constant dense<0.0> : tensor<f32>
  %c = bp.cmp gt, %x, %zero : (tensor<3xf32>, tensor<f32>) -> tensor<3xi1>
  %m = bp.mul %x, %w : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %r = bp.where %c, %m, %zero : (tensor<3xi1>, tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %l = bp.sum %r axes = [0] : tensor<3xf32> -> tensor<f32>
  bp.return %l, %r : tensor<f32>, tensor<3xf32> vars(%m : tensor<3xf32>)
}

// -----

// Tests that an input the loss does not depend on gets zeros of its type,
// with its run-time sizes.
// CHECK-LABEL: bp.func @f_grad(
// CHECK-SAME: %[[X:.*]]: tensor<f32>, %[[Y:.*]]: tensor<?x2xf32>)
// CHECK: %[[N:.*]] = bp.dim %[[Y]], 0 : tensor<?x2xf32>
// CHECK-NEXT: %[[DY:.*]] = bp.zeros(%[[N]]) : tensor<?x2xf32>
// CHECK-NEXT: bp.return %{{.*}}, %{{.*}}, %[[DY]]
bp.func @f(%x: tensor<f32>, %y: tensor<?x2xf32>) -> tensor<f32> {
  %r = bp.sin %x : tensor<f32>
  bp.return %r : tensor<f32>
}

// -----

// Tests that indexing's cotangent is written at the same index into zeros,
// and that the integer index gets no gradient.
// CHECK-LABEL: bp.func @f_grad(
// CHECK-SAME: %[[X:.*]]: tensor<?x4xf32>, %[[J:.*]]: tensor<i32>) -> (tensor<f32>, tensor<?x4xf32>)
// CHECK: %[[CT:.*]] = bp.broadcast_to
// CHECK-NEXT: %[[N:.*]] = bp.dim %[[X]], 0
// CHECK-NEXT: %[[Z:.*]] = bp.zeros(%[[N]]) : tensor<?x4xf32>
// CHECK-NEXT: %[[DX:.*]] = bp.update_index %[[CT]] into %[[Z]][%[[J]]] axes = [1]
// CHECK-NEXT: bp.return %{{.*}}, %[[DX]] : tensor<f32>, tensor<?x4xf32>
bp.func @f(%x: tensor<?x4xf32>, %j: tensor<i32>) -> tensor<f32> {
  %c = bp.index %x[%j] axes = [1] : (tensor<?x4xf32>, tensor<i32>) -> tensor<?xf32>
  %l = bp.sum %c axes = [0] : tensor<?xf32> -> tensor<f32>
  bp.return %l : tensor<f32>
}

// -----

// Tests `d[i] = u` with a broadcast 0-d u: u gets the indexed row of the
// cotangent summed, d gets the cotangent with that row zeroed.
// CHECK-LABEL: bp.func @f_grad(
// CHECK-SAME: %[[U:.*]]: tensor<f32>, %[[D:.*]]: tensor<3x4xf32>, %[[I:.*]]: tensor<i32>)
// CHECK: %[[CT:.*]] = bp.broadcast_to %{{.*}} : tensor<f32> -> tensor<3x4xf32>
// CHECK-NEXT: %[[ROW:.*]] = bp.index %[[CT]][%[[I]]] axes = [0] : (tensor<3x4xf32>, tensor<i32>) -> tensor<4xf32>
// CHECK-NEXT: %[[DU:.*]] = bp.sum %[[ROW]] axes = [0] : tensor<4xf32> -> tensor<f32>
// CHECK-NEXT: %[[ZERO:.*]] = bp.constant dense<0.000000e+00> : tensor<f32>
// CHECK-NEXT: %[[DD:.*]] = bp.update_index %[[ZERO]] into %[[CT]][%[[I]]] axes = [0]
// CHECK-NEXT: bp.return %{{.*}}, %[[DU]], %[[DD]]
bp.func @f(%u: tensor<f32>, %d: tensor<3x4xf32>, %i: tensor<i32>) -> tensor<f32> {
  %r = bp.update_index %u into %d[%i] axes = [0] : (tensor<f32>, tensor<3x4xf32>, tensor<i32>) -> tensor<3x4xf32>
  %l = bp.sum %r axes = [0, 1] : tensor<3x4xf32> -> tensor<f32>
  bp.return %l : tensor<f32>
}

// -----

// Tests that each input of a concatenation gets its slice of the cotangent;
// the last one may have a `?` size ("to the end").
// CHECK-LABEL: bp.func @f_grad(
// CHECK-SAME: %[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<?x3xf32>)
// CHECK: %[[CT:.*]] = bp.broadcast_to %{{.*}} dims(%{{.*}}) : tensor<f32> -> tensor<?x3xf32>
// CHECK-NEXT: %[[DA:.*]] = bp.slice %[[CT]][0:2:1, 0:?:1] : tensor<?x3xf32> -> tensor<2x3xf32>
// CHECK-NEXT: %[[DB:.*]] = bp.slice %[[CT]][2:?:1, 0:?:1] : tensor<?x3xf32> -> tensor<?x3xf32>
// CHECK-NEXT: bp.return %{{.*}}, %[[DA]], %[[DB]]
bp.func @f(%a: tensor<2x3xf32>, %b: tensor<?x3xf32>) -> tensor<f32> {
  %c = bp.concatenate %a, %b axis = 0 : (tensor<2x3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  %l = bp.sum %c axes = [0, 1] : tensor<?x3xf32> -> tensor<f32>
  bp.return %l : tensor<f32>
}
