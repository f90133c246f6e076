// RUN: bpc-opt --split-input-file --canonicalize %s | FileCheck %s

// Tests that adding -0.0 folds away, on either side.
// CHECK-LABEL: bp.func @add_negative_zero
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>)
// CHECK-NEXT: bp.return %[[X]], %[[X]]
bp.func @add_negative_zero(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %z = bp.constant dense<-0.0> : tensor<f32>
  %0 = bp.add %x, %z : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %1 = bp.add %z, %x : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
  bp.return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// Tests that adding +0.0 is kept: it would turn -0.0 into +0.0.
// CHECK-LABEL: bp.func @add_positive_zero
// CHECK: %[[R:.*]] = bp.add
// CHECK: bp.return %[[R]]
bp.func @add_positive_zero(%x: tensor<3xf32>) -> tensor<3xf32> {
  %z = bp.constant dense<0.0> : tensor<f32>
  %0 = bp.add %x, %z : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  bp.return %0 : tensor<3xf32>
}

// -----

// Tests that adding integer zero folds away.
// CHECK-LABEL: bp.func @add_int_zero
// CHECK-SAME: (%[[X:.*]]: tensor<3xi32>)
// CHECK-NEXT: bp.return %[[X]]
bp.func @add_int_zero(%x: tensor<3xi32>) -> tensor<3xi32> {
  %z = bp.zeros : tensor<3xi32>
  %0 = bp.add %z, %x : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  bp.return %0 : tensor<3xi32>
}

// -----

// Tests that an identity that broadcasts its operand is not folded.
// CHECK-LABEL: bp.func @add_zero_broadcasts
// CHECK: %[[R:.*]] = bp.add %{{.*}}, %{{.*}} : (tensor<3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
// CHECK: bp.return %[[R]]
bp.func @add_zero_broadcasts(%x: tensor<3xi32>) -> tensor<2x3xi32> {
  %z = bp.constant dense<0> : tensor<2x3xi32>
  %0 = bp.add %x, %z : (tensor<3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
  bp.return %0 : tensor<2x3xi32>
}

// -----

// Tests that subtracting +0.0, multiplying by one and dividing by one fold.
// CHECK-LABEL: bp.func @sub_mul_div_identities
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>)
// CHECK-NEXT: bp.return %[[X]], %[[X]], %[[X]]
bp.func @sub_mul_div_identities(%x: tensor<3xf32>)
    -> (tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) {
  %zero = bp.constant dense<0.0> : tensor<f32>
  %one = bp.ones : tensor<f32>
  %0 = bp.sub %x, %zero : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  %1 = bp.mul %one, %x : (tensor<f32>, tensor<3xf32>) -> tensor<3xf32>
  %2 = bp.div %x, %one : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  bp.return %0, %1, %2 : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// Tests that double negation and double not fold away.
// CHECK-LABEL: bp.func @involutions
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>, %[[C:.*]]: tensor<3xi1>)
// CHECK-NEXT: bp.return %[[X]], %[[C]]
bp.func @involutions(%x: tensor<3xf32>, %c: tensor<3xi1>) -> (tensor<3xf32>, tensor<3xi1>) {
  %0 = bp.neg %x : tensor<3xf32>
  %1 = bp.neg %0 : tensor<3xf32>
  %2 = bp.not %c : tensor<3xi1>
  %3 = bp.not %2 : tensor<3xi1>
  bp.return %1, %3 : tensor<3xf32>, tensor<3xi1>
}

// -----

// Tests that a cast to the same type folds away.
// CHECK-LABEL: bp.func @cast_same
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>)
// CHECK-NEXT: bp.return %[[X]]
bp.func @cast_same(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = bp.cast %x : tensor<3xf32> to tensor<3xf32>
  bp.return %0 : tensor<3xf32>
}

// -----

// Tests that static zeros and ones become splat constants and dynamic ones stay.
// CHECK-LABEL: bp.func @fills
// CHECK-DAG: %[[Z:.*]] = bp.constant dense<0.000000e+00> : tensor<2x3xf32>
// CHECK-DAG: %[[O:.*]] = bp.constant dense<true> : tensor<4xi1>
// CHECK-DAG: %[[D:.*]] = bp.zeros(%{{.*}}) : tensor<?xi32>
// CHECK: bp.return %[[Z]], %[[O]], %[[D]]
bp.func @fills(%n: index) -> (tensor<2x3xf32>, tensor<4xi1>, tensor<?xi32>) {
  %0 = bp.zeros : tensor<2x3xf32>
  %1 = bp.ones : tensor<4xi1>
  %2 = bp.zeros(%n) : tensor<?xi32>
  bp.return %0, %1, %2 : tensor<2x3xf32>, tensor<4xi1>, tensor<?xi32>
}

// -----

// Tests that broadcast_to to the same type folds away.
// CHECK-LABEL: bp.func @broadcast_same
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>)
// CHECK-NEXT: bp.return %[[X]]
bp.func @broadcast_same(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = bp.broadcast_to %x : tensor<3xf32> -> tensor<3xf32>
  bp.return %0 : tensor<3xf32>
}

// -----

// Tests that broadcast_to of broadcast_to becomes one broadcast_to.
// CHECK-LABEL: bp.func @broadcast_twice
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>, %[[N:.*]]: index)
// CHECK-NEXT: %[[B:.*]] = bp.broadcast_to %[[X]] dims(%[[N]]) : tensor<3xf32> -> tensor<?x2x3xf32>
// CHECK-NEXT: bp.return %[[B]]
bp.func @broadcast_twice(%x: tensor<3xf32>, %n: index) -> tensor<?x2x3xf32> {
  %0 = bp.broadcast_to %x : tensor<3xf32> -> tensor<2x3xf32>
  %1 = bp.broadcast_to %0 dims(%n) : tensor<2x3xf32> -> tensor<?x2x3xf32>
  bp.return %1 : tensor<?x2x3xf32>
}

// -----

// Tests that reshape of reshape becomes one reshape and same-type reshape folds.
// CHECK-LABEL: bp.func @reshape_twice
// CHECK-SAME: (%[[X:.*]]: tensor<?x6xf32>)
// CHECK-NEXT: %[[R:.*]] = bp.reshape %[[X]] : tensor<?x6xf32> -> tensor<?x3xf32>
// CHECK-NEXT: bp.return %[[R]], %[[X]]
bp.func @reshape_twice(%x: tensor<?x6xf32>) -> (tensor<?x3xf32>, tensor<?x6xf32>) {
  %0 = bp.reshape %x : tensor<?x6xf32> -> tensor<?xf32>
  %1 = bp.reshape %0 : tensor<?xf32> -> tensor<?x3xf32>
  %2 = bp.reshape %x : tensor<?x6xf32> -> tensor<?x6xf32>
  bp.return %1, %2 : tensor<?x3xf32>, tensor<?x6xf32>
}

// -----

// Tests that a reshape of a constant is a constant.
// CHECK-LABEL: bp.func @reshape_constant
// CHECK-NEXT: %[[C:.*]] = bp.constant dense<{{\[}}[1, 2], [3, 4]]> : tensor<2x2xi32>
// CHECK-NEXT: bp.return %[[C]]
bp.func @reshape_constant() -> tensor<2x2xi32> {
  %c = bp.constant dense<[1, 2, 3, 4]> : tensor<4xi32>
  %0 = bp.reshape %c : tensor<4xi32> -> tensor<2x2xi32>
  bp.return %0 : tensor<2x2xi32>
}

// -----

// Tests that identity transposes and inverse pairs fold away.
// CHECK-LABEL: bp.func @transpose_identity
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: bp.return %[[X]], %[[X]]
bp.func @transpose_identity(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = bp.transpose %x, [0, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = bp.transpose %x, [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %2 = bp.transpose %1, [1, 0] : tensor<3x2xf32> -> tensor<2x3xf32>
  bp.return %0, %2 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// Tests that two transposes compose into one.
// CHECK-LABEL: bp.func @transpose_compose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.*]] = bp.transpose %[[X]], [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
// CHECK-NEXT: bp.return %[[T]]
bp.func @transpose_compose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = bp.transpose %x, [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %1 = bp.transpose %0, [1, 2, 0] : tensor<3x4x2xf32> -> tensor<4x2x3xf32>
  bp.return %1 : tensor<4x2x3xf32>
}

// -----

// Tests that full slices fold away and partial ones stay.
// CHECK-LABEL: bp.func @slice_full
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>)
// CHECK-NEXT: %[[S:.*]] = bp.slice %[[X]][0:?:1, 0:4:2]
// CHECK-NEXT: bp.return %[[X]], %[[X]], %[[S]]
bp.func @slice_full(%x: tensor<?x4xf32>)
    -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x2xf32>) {
  %0 = bp.slice %x[0:?:1, 0:?:1] : tensor<?x4xf32> -> tensor<?x4xf32>
  %1 = bp.slice %x[0:?:1, 0:4:1] : tensor<?x4xf32> -> tensor<?x4xf32>
  %2 = bp.slice %x[0:?:1, 0:4:2] : tensor<?x4xf32> -> tensor<?x2xf32>
  bp.return %0, %1, %2 : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x2xf32>
}
