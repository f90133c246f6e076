// RUN: bpc-opt --split-input-file --bpc-test-grad="func=f" %s | FileCheck %s

// Tests that the gradient of a bp.if is a bp.if on the same condition: each
// branch recomputes its forward values, runs its backward sweep and yields
// the cotangents of the varied values it captured, zeros for those it does
// not use (x in the else branch, y in the then branch).
// CHECK-LABEL: bp.func @f_grad(
// CHECK-SAME: %[[X:[^:]*]]: tensor<3xf32>, %[[Y:[^:]*]]: tensor<3xf32>, %[[C:[^:]*]]: tensor<i1>)
// CHECK: %[[CT:.*]] = bp.broadcast_to
// CHECK: %[[VJP:.*]]:2 = bp.if %[[C]] -> (tensor<3xf32>, tensor<3xf32>) {
// CHECK-NEXT: bp.mul %[[X]], %[[X]]
// CHECK-NEXT: %[[L:.*]] = bp.mul %[[CT]], %[[X]]
// CHECK-NEXT: %[[R:.*]] = bp.mul %[[CT]], %[[X]]
// CHECK-NEXT: %[[DX:.*]] = bp.add %[[L]], %[[R]]
// CHECK-NEXT: %[[Z:.*]] = bp.zeros : tensor<3xf32>
// CHECK-NEXT: bp.yield %[[DX]], %[[Z]]
// CHECK-NEXT: } else {
// CHECK-NEXT: %[[Z2:.*]] = bp.zeros : tensor<3xf32>
// CHECK-NEXT: bp.yield %[[Z2]], %[[CT]]
// CHECK: bp.return %{{.*}}, %[[VJP]]#0, %[[VJP]]#1
bp.func @f(%x: tensor<3xf32>, %y: tensor<3xf32>, %c: tensor<i1>) -> tensor<f32> {
  %r = bp.if %c -> (tensor<3xf32>) {
    %a = bp.mul %x, %x : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    bp.yield %a : tensor<3xf32>
  } else {
    bp.yield %y : tensor<3xf32>
  }
  %l = bp.sum %r axes = [0] : tensor<3xf32> -> tensor<f32>
  bp.return %l : tensor<f32>
}

// -----

// Tests that a branch nested in a branch gets a nested VJP branch, and that
// a value used both inside and after the branch adds up both cotangents.
// CHECK-LABEL: bp.func @f_grad(
// CHECK-SAME: %[[X:[^:]*]]: tensor<f32>, %[[C:[^:]*]]: tensor<i1>, %[[D:[^:]*]]: tensor<i1>)
// CHECK: %[[ONE:.*]] = bp.constant dense<1.000000e+00>
// CHECK-NEXT: %[[OUTER:.*]] = bp.if %[[C]] -> (tensor<f32>) {
// CHECK: bp.if %[[D]] -> (tensor<f32>) {
// CHECK: %[[INNER:.*]] = bp.if %[[D]] -> (tensor<f32>) {
// CHECK-NEXT: %[[E:.*]] = bp.exp %[[X]]
// CHECK-NEXT: %[[DE:.*]] = bp.mul %[[ONE]], %[[E]]
// CHECK-NEXT: bp.yield %[[DE]]
// CHECK-NEXT: } else {
// CHECK-NEXT: bp.neg %[[X]]
// CHECK-NEXT: %[[DN:.*]] = bp.neg %[[ONE]]
// CHECK-NEXT: bp.yield %[[DN]]
// CHECK: bp.yield %[[INNER]]
// CHECK-NEXT: } else {
// CHECK: bp.zeros : tensor<f32>
// CHECK: %[[SUM:.*]] = bp.add %[[ONE]], %[[OUTER]]
// CHECK: bp.return %{{.*}}, %[[SUM]]
bp.func @f(%x: tensor<f32>, %c: tensor<i1>, %d: tensor<i1>) -> tensor<f32> {
  %r = bp.if %c -> (tensor<f32>) {
    %s = bp.if %d -> (tensor<f32>) {
      %e = bp.exp %x : tensor<f32>
      bp.yield %e : tensor<f32>
    } else {
      %n = bp.neg %x : tensor<f32>
      bp.yield %n : tensor<f32>
    }
    bp.yield %s : tensor<f32>
  } else {
    %k = bp.constant dense<2.0> : tensor<f32>
    bp.yield %k : tensor<f32>
  }
  %l = bp.add %r, %x : (tensor<f32>, tensor<f32>) -> tensor<f32>
  bp.return %l : tensor<f32>
}
