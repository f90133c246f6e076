// RUN: bpc-opt --split-input-file --bpc-bufferize %s | FileCheck %s

// Tests that a dyn Variable's new value is written into its own buffer: the
// function keeps no result for it and no copy of the Variable is made.
// CHECK-LABEL: func.func @step(
// CHECK-SAME:    %[[X:.*]]: memref<10xf32>, %[[W:.*]]: memref<10xf32>) {
// CHECK-NOT:   memref.alloc
// CHECK-NOT:   memref.copy
// CHECK:       linalg.generic
// CHECK-SAME:    ins(%[[X]], %[[W]] : memref<10xf32>, memref<10xf32>) outs(%[[W]] : memref<10xf32>)
// CHECK:       return{{$}}
#map = affine_map<(d0) -> (d0)>
func.func @step(%x: tensor<10xf32>, %w: tensor<10xf32>) -> tensor<10xf32> {
  %new = linalg.generic {indexing_maps = [#map, #map, #map], iterator_types = ["parallel"]}
      ins(%x, %w : tensor<10xf32>, tensor<10xf32>) outs(%w : tensor<10xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %d = arith.subf %b, %a : f32
    linalg.yield %d : f32
  } -> tensor<10xf32>
  return %new : tensor<10xf32>
}

// -----

// Tests that an ordinary result stays a function result (the caller owns it).
// CHECK-LABEL: func.func @scale(
// CHECK-SAME:    %{{.*}}: memref<?xf32>) -> memref<?xf32>
// CHECK:       memref.alloc
#map1 = affine_map<(d0) -> (d0)>
func.func @scale(%x: tensor<?xf32>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %init = tensor.empty(%n) : tensor<?xf32>
  %r = linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%init : tensor<?xf32>) {
  ^bb0(%a: f32, %out: f32):
    %two = arith.constant 2.0 : f32
    %m = arith.mulf %a, %two : f32
    linalg.yield %m : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

// Tests that symbolic dimension names survive bufferization: `bp.dims` is
// accepted on the memref arguments the function has afterwards.
// CHECK-LABEL: func.func @named(
// CHECK-SAME:    %{{.*}}: memref<?xf32> {bp.dims = ["n"]}
func.func @named(%x: tensor<?xf32> {bp.dims = ["n"]}) -> tensor<?xf32> {
  return %x : tensor<?xf32>
}
