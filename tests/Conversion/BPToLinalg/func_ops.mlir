// RUN: bpc-opt --split-input-file --bpc-lower-bp-to-linalg %s | FileCheck %s

// Tests that bp.func becomes a C-interface func.func taking the Variables
// after the arguments and returning their new values after the results.
// CHECK-LABEL: func.func @step(
// CHECK-SAME:    %[[X:.*]]: tensor<?xf32> {bp.dims = ["n"]}, %[[W:.*]]: tensor<3xi32> {bp.var = "m.w"})
// CHECK-SAME:    -> (tensor<?xf32>, tensor<3xi32>) attributes {llvm.emit_c_interface}
// CHECK:       return %[[X]], %[[W]] : tensor<?xf32>, tensor<3xi32>
bp.func @step(%x: tensor<?xf32> {bp.dims = ["n"]})
    vars(%w: tensor<3xi32> {bp.var = "m.w"}) -> tensor<?xf32> {
  bp.return %x : tensor<?xf32> vars(%w : tensor<3xi32>)
}

// -----

// Tests that a Variable's new value is computed into the Variable's own
// tensor: the generic's destination is the Variable argument.
// CHECK-LABEL: func.func @update(
// CHECK-SAME:    %[[W:.*]]: tensor<4xf32> {bp.var = "w"})
// CHECK:       %[[NEW:.*]] = linalg.generic
// CHECK-SAME:    outs(%[[W]] : tensor<4xf32>)
// CHECK:       return %[[NEW]]
bp.func @update() vars(%w: tensor<4xf32> {bp.var = "w"}) {
  %e = bp.exp %w : tensor<4xf32>
  bp.return vars(%e : tensor<4xf32>)
}

// -----

// Tests that a Variable set to a value computed elsewhere (a constant) is
// copied into the Variable's tensor.
// CHECK-LABEL: func.func @set_constant(
// CHECK-SAME:    %[[W:.*]]: tensor<2xf32>
// CHECK:       %[[C:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK:       %[[NEW:.*]] = linalg.copy ins(%[[C]] : tensor<2xf32>) outs(%[[W]] : tensor<2xf32>)
// CHECK:       return %[[NEW]]
bp.func @set_constant() vars(%w: tensor<2xf32> {bp.var = "w"}) {
  %c = bp.constant dense<[1.0, 2.0]> : tensor<2xf32>
  bp.return vars(%c : tensor<2xf32>)
}

// -----

// Tests that a frozen Variable becomes a private constant memref.global read
// through a restrict to_tensor.
// CHECK:       memref.global "private" constant @l.b : memref<3xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]>
// CHECK-LABEL: func.func @frozen(
// CHECK:       %[[G:.*]] = memref.get_global @l.b : memref<3xf32>
// CHECK:       %[[T:.*]] = bufferization.to_tensor %[[G]] restrict : memref<3xf32>
// CHECK:       return %[[T]]
bp.global @l.b = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
bp.func @frozen() -> tensor<3xf32> {
  %b = bp.frozen @l.b : tensor<3xf32>
  bp.return %b : tensor<3xf32>
}
