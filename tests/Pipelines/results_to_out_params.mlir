// RUN: bpc-opt --split-input-file --bpc-results-to-out-params %s | FileCheck %s
// RUN: bpc-opt --split-input-file --bpc-bufferize %s | FileCheck %s --check-prefix=BUF

// Tests destination passing for an exported kernel: the result gets a
// trailing argument (after the dyn Variables, with the result's attributes),
// the chain producing it starts from that argument instead of tensor.empty,
// and a Variable's result is left alone. After bufferization the kernel
// returns nothing and writes straight into the argument buffers.
// CHECK-LABEL: func.func @step(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<?xf32>, %[[V:[^:]*]]: tensor<4xf32> {bp.var = "v"},
// CHECK-SAME:    %[[OUT:[^:]*]]: tensor<?xf32> {bp.dims = ["n"]}) -> (tensor<?xf32> {bp.dims = ["n"]}, tensor<4xf32>)
// CHECK:         %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[OUT]] : tensor<?xf32>)
// CHECK:         %[[R:.*]] = linalg.generic {{.*}} outs(%[[F]] : tensor<?xf32>)
// CHECK:         return %[[R]], %{{.*}} : tensor<?xf32>, tensor<4xf32>
// BUF-LABEL:   func.func @step(
// BUF-SAME:      %{{[^:]*}}: memref<?xf32>, %[[V:[^:]*]]: memref<4xf32> {bp.var = "v"}, %[[OUT:[^:]*]]: memref<?xf32> {bp.dims = ["n"]}) attributes
// BUF-NOT:       memref.alloc
// BUF-NOT:       memref.copy
// BUF:           linalg.fill {{.*}} outs(%[[OUT]] : memref<?xf32>)
// BUF:           return{{$}}
#m = affine_map<(d0) -> (d0)>
func.func @step(%x: tensor<?xf32>, %v: tensor<4xf32> {bp.var = "v"})
    -> (tensor<?xf32> {bp.dims = ["n"]}, tensor<4xf32>) attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %r = linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%f : tensor<?xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %y = arith.addf %acc, %a : f32
    linalg.yield %y : f32
  } -> tensor<?xf32>
  %v2 = linalg.fill ins(%zero : f32) outs(%v : tensor<4xf32>) -> tensor<4xf32>
  return %r, %v2 : tensor<?xf32>, tensor<4xf32>
}

// -----

// Tests that a result not computed by a chain of destination-style ops (an
// argument returned as is, twice) is copied into each out-param.
// CHECK-LABEL: func.func @identity(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<3xf32>, %[[O0:[^:]*]]: tensor<3xf32>, %[[O1:[^:]*]]: tensor<3xf32>)
// CHECK:         %[[C0:.*]] = linalg.copy ins(%[[X]] : tensor<3xf32>) outs(%[[O0]] : tensor<3xf32>)
// CHECK:         %[[C1:.*]] = linalg.copy ins(%[[X]] : tensor<3xf32>) outs(%[[O1]] : tensor<3xf32>)
// CHECK:         return %[[C0]], %[[C1]]
// BUF-LABEL:   func.func @identity(
// BUF-SAME:      %{{[^:]*}}: memref<3xf32>, %{{[^:]*}}: memref<3xf32>, %{{[^:]*}}: memref<3xf32>) attributes
// BUF:           return{{$}}
func.func @identity(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
    attributes {llvm.emit_c_interface} {
  return %x, %x : tensor<3xf32>, tensor<3xf32>
}

// -----

// Tests that functions other than exported kernels keep their results.
// CHECK-LABEL: func.func @helper(
// CHECK-SAME:    %{{[^:]*}}: tensor<3xf32>) -> tensor<3xf32>
func.func @helper(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}
