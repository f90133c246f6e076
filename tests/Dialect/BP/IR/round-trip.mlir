// RUN: bpc-opt %s | bpc-opt | FileCheck %s
// RUN: bpc-opt --mlir-print-op-generic %s | bpc-opt | FileCheck %s

// Tests that a function with named symbolic dimensions, a dynamic Variable
// and a result round-trips.
// CHECK-LABEL: bp.func @lr_step
// CHECK-SAME: (%[[X:.*]]: tensor<?x10xf32> {bp.dims = ["n", ""]}, %[[Y:.*]]: tensor<?xf32> {bp.dims = ["n"]})
// CHECK-SAME: vars(%[[W:.*]]: tensor<10xf32> {bp.var = "lr.w"}) -> tensor<?xf32>
// CHECK: %[[XW:.*]] = bp.matmul %[[X]], %[[W]] : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?xf32>
// CHECK: bp.return %[[XW]] : tensor<?xf32> vars(%[[W]] : tensor<10xf32>)
bp.func @lr_step(%X: tensor<?x10xf32> {bp.dims = ["n", ""]},
                 %Y: tensor<?xf32> {bp.dims = ["n"]})
    vars(%w: tensor<10xf32> {bp.var = "lr.w"}) -> tensor<?xf32> {
  %xw = bp.matmul %X, %w : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?xf32>
  bp.return %xw : tensor<?xf32> vars(%w : tensor<10xf32>)
}

// Tests that functions without Variables or without results round-trip.
// CHECK-LABEL: bp.func @no_vars(%{{.*}}: tensor<f32>) -> (tensor<f32>, tensor<f32>)
// CHECK: bp.return %{{.*}}, %{{.*}} : tensor<f32>, tensor<f32>
bp.func @no_vars(%a: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  bp.return %a, %a : tensor<f32>, tensor<f32>
}
// CHECK-LABEL: bp.func @only_vars()
// CHECK-SAME: vars(%{{.*}}: tensor<3xi32> {bp.var = "c.n"}, %{{.*}}: tensor<i1> {bp.var = "c.on"})
// CHECK-NOT: ->
// CHECK: bp.return vars(%{{.*}}, %{{.*}} : tensor<3xi32>, tensor<i1>)
bp.func @only_vars() vars(%n: tensor<3xi32> {bp.var = "c.n"},
                          %on: tensor<i1> {bp.var = "c.on"}) {
  bp.return vars(%n, %on : tensor<3xi32>, tensor<i1>)
}

// Tests that frozen Variables and constants round-trip.
// CHECK: bp.global @l.b = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK: bp.global @big = dense_resource<blob> : tensor<2xi32>
bp.global @l.b = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
bp.global @big = dense_resource<blob> : tensor<2xi32>
// CHECK-LABEL: bp.func @frozen
// CHECK: bp.frozen @l.b : tensor<3xf32>
// CHECK: bp.frozen @big : tensor<2xi32>
// CHECK: bp.constant dense<2.000000e+00> : tensor<3xf32>
bp.func @frozen() -> (tensor<3xf32>, tensor<2xi32>, tensor<3xf32>) {
  %b = bp.frozen @l.b : tensor<3xf32>
  %big = bp.frozen @big : tensor<2xi32>
  %c = bp.constant dense<2.0> : tensor<3xf32>
  bp.return %b, %big, %c : tensor<3xf32>, tensor<2xi32>, tensor<3xf32>
}

// Tests that every elementwise binary op, bp.cmp and bp.where round-trip
// with broadcasting result types.
// CHECK-LABEL: bp.func @elementwise
bp.func @elementwise(%a: tensor<?x3xf32> {bp.dims = ["n", ""]},
                     %b: tensor<3xf32>, %i: tensor<4x1xi32>,
                     %j: tensor<5xi32>, %p: tensor<2xi1>) {
  // CHECK: bp.add %{{.*}}, %{{.*}} : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  // CHECK: bp.sub
  // CHECK: bp.mul
  // CHECK: bp.div
  // CHECK: bp.floordiv %{{.*}}, %{{.*}} : (tensor<4x1xi32>, tensor<5xi32>) -> tensor<4x5xi32>
  // CHECK: bp.rem
  // CHECK: bp.pow
  // CHECK: bp.max
  // CHECK: bp.min
  // CHECK: bp.and
  // CHECK: bp.or
  // CHECK: bp.xor %{{.*}}, %{{.*}} : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  // CHECK: bp.cmp lt, %{{.*}}, %{{.*}} : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xi1>
  // CHECK: bp.cmp ge,
  // CHECK: bp.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<?x3xi1>, tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %0 = bp.add %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %1 = bp.sub %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %2 = bp.mul %b, %a : (tensor<3xf32>, tensor<?x3xf32>) -> tensor<?x3xf32>
  %3 = bp.div %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %4 = bp.floordiv %i, %j : (tensor<4x1xi32>, tensor<5xi32>) -> tensor<4x5xi32>
  %5 = bp.rem %i, %j : (tensor<4x1xi32>, tensor<5xi32>) -> tensor<4x5xi32>
  %6 = bp.pow %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %7 = bp.max %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  %8 = bp.min %i, %j : (tensor<4x1xi32>, tensor<5xi32>) -> tensor<4x5xi32>
  %9 = bp.and %i, %j : (tensor<4x1xi32>, tensor<5xi32>) -> tensor<4x5xi32>
  %10 = bp.or %p, %p : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  %11 = bp.xor %p, %p : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  %12 = bp.cmp lt, %a, %b : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xi1>
  %13 = bp.cmp ge, %i, %j : (tensor<4x1xi32>, tensor<5xi32>) -> tensor<4x5xi1>
  %14 = bp.where %12, %a, %b : (tensor<?x3xi1>, tensor<?x3xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  bp.return
}

// Tests that the unary ops and bp.cast round-trip.
// CHECK-LABEL: bp.func @unary
// CHECK: bp.neg %{{.*}} : tensor<4xf32>
// CHECK: bp.exp
// CHECK: bp.log
// CHECK: bp.tanh
// CHECK: bp.sin
// CHECK: bp.cos
// CHECK: bp.sqrt
// CHECK: bp.abs %{{.*}} : tensor<4xi64>
// CHECK: bp.sigmoid
// CHECK: bp.not %{{.*}} : tensor<4xi1>
// CHECK: bp.cast %{{.*}} : tensor<4xi64> to tensor<4xf64>
bp.func @unary(%x: tensor<4xf32>, %i: tensor<4xi64>, %c: tensor<4xi1>) {
  %0 = bp.neg %x : tensor<4xf32>
  %1 = bp.exp %x : tensor<4xf32>
  %2 = bp.log %x : tensor<4xf32>
  %3 = bp.tanh %x : tensor<4xf32>
  %4 = bp.sin %x : tensor<4xf32>
  %5 = bp.cos %x : tensor<4xf32>
  %6 = bp.sqrt %x : tensor<4xf32>
  %7 = bp.abs %i : tensor<4xi64>
  %8 = bp.sigmoid %x : tensor<4xf32>
  %9 = bp.not %c : tensor<4xi1>
  %10 = bp.cast %i : tensor<4xi64> to tensor<4xf64>
  bp.return
}

// Tests that bp.matmul round-trips in each of NumPy's rank cases.
// CHECK-LABEL: bp.func @matmul
// CHECK: -> tensor<f32>
// CHECK: -> tensor<2xf32>
// CHECK: -> tensor<4xf32>
// CHECK: -> tensor<2x4xf32>
// CHECK: (tensor<?x1x2x3xf32>, tensor<5x3x4xf32>) -> tensor<?x5x2x4xf32>
bp.func @matmul(%v: tensor<3xf32>, %m: tensor<2x3xf32>, %n: tensor<3x4xf32>,
                %b: tensor<?x1x2x3xf32>, %c: tensor<5x3x4xf32>) {
  %0 = bp.matmul %v, %v : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  %1 = bp.matmul %m, %v : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2xf32>
  %2 = bp.matmul %v, %n : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<4xf32>
  %3 = bp.matmul %m, %n : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %4 = bp.matmul %b, %c : (tensor<?x1x2x3xf32>, tensor<5x3x4xf32>) -> tensor<?x5x2x4xf32>
  bp.return
}

// Tests that the reductions round-trip with and without keepdims.
// CHECK-LABEL: bp.func @reductions
// CHECK: bp.sum %{{.*}} axes = [0] : tensor<?x3xf32> -> tensor<3xf32>
// CHECK: bp.mean %{{.*}} axes = [0, 1] keepdims : tensor<?x3xf32> -> tensor<1x1xf32>
// CHECK: bp.reduce_max %{{.*}} axes = [1] : tensor<?x3xf32> -> tensor<?xf32>
// CHECK: bp.reduce_min %{{.*}} axes = [] : tensor<?x3xf32> -> tensor<?x3xf32>
// CHECK: bp.argmax %{{.*}} axis = 1 : tensor<?x3xf32> -> tensor<?xi32>
// CHECK: bp.argmin %{{.*}} axis = 0 keepdims : tensor<?x3xf32> -> tensor<1x3xi64>
bp.func @reductions(%x: tensor<?x3xf32>) {
  %0 = bp.sum %x axes = [0] : tensor<?x3xf32> -> tensor<3xf32>
  %1 = bp.mean %x axes = [0, 1] keepdims : tensor<?x3xf32> -> tensor<1x1xf32>
  %2 = bp.reduce_max %x axes = [1] : tensor<?x3xf32> -> tensor<?xf32>
  %3 = bp.reduce_min %x axes = [] : tensor<?x3xf32> -> tensor<?x3xf32>
  %4 = bp.argmax %x axis = 1 : tensor<?x3xf32> -> tensor<?xi32>
  %5 = bp.argmin %x axis = 0 keepdims : tensor<?x3xf32> -> tensor<1x3xi64>
  bp.return
}

// Tests that the shape ops round-trip.
// CHECK-LABEL: bp.func @shapes
// CHECK: %[[N:.*]] = bp.dim %{{.*}}, 0 : tensor<?x10xf32>
// CHECK: bp.broadcast_to %{{.*}} dims(%[[N]]) : tensor<10xf32> -> tensor<?x10xf32>
// CHECK: bp.broadcast_to %{{.*}} : tensor<1xf32> -> tensor<4x10xf32>
// CHECK: bp.reshape %{{.*}} : tensor<?x10xf32> -> tensor<?x2x5xf32>
// CHECK: bp.transpose %{{.*}}, [1, 0] : tensor<?x10xf32> -> tensor<10x?xf32>
// CHECK: bp.slice %{{.*}}[0:?:1, 2:8:3] : tensor<?x10xf32> -> tensor<?x2xf32>
// CHECK: bp.update_slice %{{.*}} into %{{.*}}[1:?:2] : tensor<f32> into tensor<10xf32>
// CHECK: bp.index %{{.*}}[%{{.*}}] axes = [1] : (tensor<?x10xf32>, tensor<i32>) -> tensor<?xf32>
// CHECK: bp.update_index %{{.*}} into %{{.*}}[%{{.*}}] axes = [1] : (tensor<?xf32>, tensor<?x10xf32>, tensor<i32>) -> tensor<?x10xf32>
// CHECK: bp.concatenate %{{.*}}, %{{.*}} axis = 0 : (tensor<?x10xf32>, tensor<4x10xf32>) -> tensor<?x10xf32>
bp.func @shapes(%x: tensor<?x10xf32>, %v: tensor<10xf32>, %one: tensor<1xf32>,
                %s: tensor<f32>, %j: tensor<i32>) {
  %n = bp.dim %x, 0 : tensor<?x10xf32>
  %0 = bp.broadcast_to %v dims(%n) : tensor<10xf32> -> tensor<?x10xf32>
  %1 = bp.broadcast_to %one : tensor<1xf32> -> tensor<4x10xf32>
  %2 = bp.reshape %x : tensor<?x10xf32> -> tensor<?x2x5xf32>
  %3 = bp.transpose %x, [1, 0] : tensor<?x10xf32> -> tensor<10x?xf32>
  %4 = bp.slice %x[0:?:1, 2:8:3] : tensor<?x10xf32> -> tensor<?x2xf32>
  %5 = bp.update_slice %s into %v[1:?:2] : tensor<f32> into tensor<10xf32>
  %6 = bp.index %x[%j] axes = [1] : (tensor<?x10xf32>, tensor<i32>) -> tensor<?xf32>
  %7 = bp.update_index %6 into %x[%j] axes = [1] : (tensor<?xf32>, tensor<?x10xf32>, tensor<i32>) -> tensor<?x10xf32>
  %8 = bp.concatenate %x, %1 axis = 0 : (tensor<?x10xf32>, tensor<4x10xf32>) -> tensor<?x10xf32>
  bp.return
}

// Tests that the creation ops round-trip.
// CHECK-LABEL: bp.func @creation
// CHECK: bp.zeros(%{{.*}}) : tensor<?x3xf32>
// CHECK: bp.ones : tensor<10xi32>
// CHECK: bp.full %{{.*}} dims(%{{.*}}) : tensor<f32> -> tensor<?xf32>
// CHECK: bp.arange start = 0.000000e+00, step = 2.000000e+00 : tensor<5xi32>
// CHECK: bp.linspace 0.000000e+00 to 1.000000e+00 exclusive : tensor<4xf32>
// CHECK: bp.linspace 0.000000e+00 to 1.000000e+00 : tensor<5xf64>
// CHECK: bp.eye diagonal 1 : tensor<3x4xf32>
// CHECK: bp.eye : tensor<3x3xi1>
bp.func @creation(%x: tensor<?xf32>, %s: tensor<f32>) {
  %n = bp.dim %x, 0 : tensor<?xf32>
  %0 = bp.zeros(%n) : tensor<?x3xf32>
  %1 = bp.ones : tensor<10xi32>
  %2 = bp.full %s dims(%n) : tensor<f32> -> tensor<?xf32>
  %3 = bp.arange start = 0.0, step = 2.0 : tensor<5xi32>
  %4 = bp.linspace 0.0 to 1.0 exclusive : tensor<4xf32>
  %5 = bp.linspace 0.0 to 1.0 : tensor<5xf64>
  %6 = bp.eye diagonal 1 : tensor<3x4xf32>
  %7 = bp.eye : tensor<3x3xi1>
  bp.return
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x040000000100000002000000"
    }
  }
#-}
