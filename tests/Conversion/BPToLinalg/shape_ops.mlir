// RUN: bpc-opt --split-input-file --bpc-lower-bp-to-linalg %s | FileCheck %s

// Tests dim, broadcast_to and transpose.
// CHECK-LABEL: func.func @shapes(
// CHECK:       tensor.dim
// CHECK:       linalg.generic
// CHECK:       linalg.transpose
bp.func @shapes(%x: tensor<?x3xf32>, %v: tensor<3xf32>) -> (tensor<?x3xf32>, tensor<3x?xf32>) {
  %n = bp.dim %x, 0 : tensor<?x3xf32>
  %b = bp.broadcast_to %v dims(%n) : tensor<3xf32> -> tensor<?x3xf32>
  %t = bp.transpose %x, [1, 0] : tensor<?x3xf32> -> tensor<3x?xf32>
  bp.return %b, %t : tensor<?x3xf32>, tensor<3x?xf32>
}

// -----

// Tests reshape through a shape tensor.
// CHECK-LABEL: func.func @reshape(
// CHECK:       tensor.from_elements
// CHECK:       tensor.reshape
bp.func @reshape(%x: tensor<?x10xf32>) -> tensor<?x2x5xf32> {
  %r = bp.reshape %x : tensor<?x10xf32> -> tensor<?x2x5xf32>
  bp.return %r : tensor<?x2x5xf32>
}

// -----

// Tests slicing and a partial slice update: the update is broadcast straight
// into an extract_slice of the destination and inserted back at the same
// place (bufferization then writes through one subview, without a copy).
// CHECK-LABEL: func.func @slices(
// CHECK-SAME:    %{{[^:]*}}: tensor<?x10xf32>, %[[W:[^:]*]]: tensor<10xf32>
// CHECK:       tensor.extract_slice %{{.*}}[0, 2] [%{{.*}}, 2] [1, 3]
// CHECK:       %[[SUB:.*]] = tensor.extract_slice %[[W]][1] [4] [2]
// CHECK:       %[[U:.*]] = linalg.generic {{.*}} outs(%[[SUB]] : tensor<4xf32>)
// CHECK:       tensor.insert_slice %[[U]] into %[[W]][1] [4] [2]
bp.func @slices(%x: tensor<?x10xf32>, %w: tensor<10xf32>, %e: tensor<f32>)
    -> (tensor<?x2xf32>, tensor<10xf32>) {
  %s = bp.slice %x[0:?:1, 2:8:3] : tensor<?x10xf32> -> tensor<?x2xf32>
  %u = bp.update_slice %e into %w[1:9:2] : tensor<f32> into tensor<10xf32>
  bp.return %s, %u : tensor<?x2xf32>, tensor<10xf32>
}

// -----

// Tests that a full-slice update of a Variable writes into the Variable.
// CHECK-LABEL: func.func @full_update(
// CHECK-SAME:    %{{.*}}: tensor<10xf32>, %[[W:[^:]*]]: tensor<10xf32> {bp.var = "w"}
// CHECK-NOT:   tensor.insert_slice
// CHECK:       linalg.generic {{.*}} outs(%[[W]] : tensor<10xf32>)
bp.func @full_update(%u: tensor<10xf32>) vars(%w: tensor<10xf32> {bp.var = "w"}) {
  %n = bp.sub %w, %u : (tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
  %w2 = bp.update_slice %n into %w[0:?:1] : tensor<10xf32> into tensor<10xf32>
  bp.return vars(%w2 : tensor<10xf32>)
}

// -----

// Tests creation ops: fills and index-computed generics.
// CHECK-LABEL: func.func @creation(
// CHECK:       linalg.fill
// CHECK:       tensor.extract
// CHECK:       linalg.fill
// CHECK:       linalg.index 0
// CHECK:       arith.fptosi
// CHECK:       linalg.index 0
// CHECK:       arith.truncf
// CHECK:       arith.cmpi eq
bp.func @creation(%n: index, %v: tensor<f32>)
    -> (tensor<?x3xf32>, tensor<?xf32>, tensor<5xi32>, tensor<4xf32>, tensor<3x4xf32>) {
  %z = bp.zeros(%n) : tensor<?x3xf32>
  %f = bp.full %v dims(%n) : tensor<f32> -> tensor<?xf32>
  %a = bp.arange start = 0.0, step = 2.0 : tensor<5xi32>
  %l = bp.linspace 0.0 to 1.0 exclusive : tensor<4xf32>
  %e = bp.eye diagonal 1 : tensor<3x4xf32>
  bp.return %z, %f, %a, %l, %e : tensor<?x3xf32>, tensor<?xf32>, tensor<5xi32>, tensor<4xf32>, tensor<3x4xf32>
}
