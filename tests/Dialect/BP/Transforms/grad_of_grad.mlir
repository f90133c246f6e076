// RUN: bpc-opt --bpc-test-grad="func=f" --bpc-test-grad="func=f_grad loss=1" --canonicalize --cse %s | FileCheck %s

// Tests that a gradient function can be differentiated again, and what the
// IR looks like after the canonicalize/CSE that the bpc-lower-bp pipeline
// starts with: for f = x * x * x, f_grad returns (f, 3x^2) as three adds of
// x^2, and f_grad_grad also returns 6x as adds of x.
// CHECK-LABEL: bp.func @f_grad(
// CHECK-SAME: %[[X:.*]]: tensor<f64>) -> (tensor<f64>, tensor<f64>)
// CHECK-NEXT: %[[X2:.*]] = bp.mul %[[X]], %[[X]]
// CHECK-NEXT: %[[X3:.*]] = bp.mul %[[X2]], %[[X]]
// CHECK-NEXT: %[[A:.*]] = bp.add %[[X2]], %[[X2]]
// CHECK-NEXT: %[[D1:.*]] = bp.add %[[A]], %[[X2]]
// CHECK-NEXT: bp.return %[[X3]], %[[D1]]

// CHECK-LABEL: bp.func @f_grad_grad(
// CHECK-SAME: %[[X:.*]]: tensor<f64>) -> (tensor<f64>, tensor<f64>, tensor<f64>)
// CHECK-NEXT: %[[X2:.*]] = bp.mul %[[X]], %[[X]]
// CHECK-NEXT: %[[X3:.*]] = bp.mul %[[X2]], %[[X]]
// CHECK-NEXT: %[[A:.*]] = bp.add %[[X2]], %[[X2]]
// CHECK-NEXT: %[[D1:.*]] = bp.add %[[A]], %[[X2]]
// CHECK-NEXT: %[[B:.*]] = bp.add %[[X]], %[[X]]
// CHECK-NEXT: %[[C:.*]] = bp.add %[[B]], %[[B]]
// CHECK-NEXT: %[[D:.*]] = bp.add %[[C]], %[[X]]
// CHECK-NEXT: %[[D2:.*]] = bp.add %[[D]], %[[X]]
// CHECK-NEXT: bp.return %[[X3]], %[[D1]], %[[D2]]
bp.func @f(%x: tensor<f64>) -> tensor<f64> {
  %a = bp.mul %x, %x : (tensor<f64>, tensor<f64>) -> tensor<f64>
  %c = bp.mul %a, %x : (tensor<f64>, tensor<f64>) -> tensor<f64>
  bp.return %c : tensor<f64>
}
