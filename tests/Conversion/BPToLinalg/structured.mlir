// RUN: bpc-opt --split-input-file --bpc-lower-bp-to-linalg %s | FileCheck %s

// Tests that matmul picks the named op for each rank pair, on a zero fill.
// CHECK-LABEL: func.func @matmuls(
// CHECK:       linalg.fill
// CHECK:       linalg.dot
// CHECK:       linalg.matvec
// CHECK:       linalg.vecmat
// CHECK:       linalg.matmul
bp.func @matmuls(%v: tensor<3xf32>, %m: tensor<?x3xf32>, %n: tensor<3x4xf32>)
    -> (tensor<f32>, tensor<?xf32>, tensor<4xf32>, tensor<?x4xf32>) {
  %a = bp.matmul %v, %v : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  %b = bp.matmul %m, %v : (tensor<?x3xf32>, tensor<3xf32>) -> tensor<?xf32>
  %c = bp.matmul %v, %n : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<4xf32>
  %d = bp.matmul %m, %n : (tensor<?x3xf32>, tensor<3x4xf32>) -> tensor<?x4xf32>
  bp.return %a, %b, %c, %d : tensor<f32>, tensor<?xf32>, tensor<4xf32>, tensor<?x4xf32>
}

// -----

// Tests that batched matmul broadcasts batch dimensions in a generic.
// CHECK-DAG:   #[[L:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG:   #[[R:.*]] = affine_map<(d0, d1, d2, d3) -> (d3, d2)>
// CHECK-DAG:   #[[O:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @batched(
// CHECK:       linalg.generic {indexing_maps = [#[[L]], #[[R]], #[[O]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
bp.func @batched(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<2x3x5xf32> {
  %r = bp.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  bp.return %r : tensor<2x3x5xf32>
}

// -----

// Tests sum with keepdims: a reduction generic, then expand_shape.
// CHECK-LABEL: func.func @sum_keepdims(
// CHECK:       linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK:       arith.addf
// CHECK:       tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
bp.func @sum_keepdims(%x: tensor<4x5xf32>) -> tensor<4x1xf32> {
  %s = bp.sum %x axes = [1] keepdims : tensor<4x5xf32> -> tensor<4x1xf32>
  bp.return %s : tensor<4x1xf32>
}

// -----

// Tests that mean divides by the element count of the reduced axes.
// CHECK-LABEL: func.func @mean(
// CHECK:       tensor.dim
// CHECK:       arith.sitofp
// CHECK:       arith.divf
bp.func @mean(%x: tensor<?x5xf32>) -> tensor<f32> {
  %m = bp.mean %x axes = [0, 1] : tensor<?x5xf32> -> tensor<f32>
  bp.return %m : tensor<f32>
}

// -----

// Tests max/min start from -inf/+inf and the int extremes.
// CHECK-LABEL: func.func @extremes(
// CHECK:       arith.constant 0xFF800000 : f32
// CHECK:       arith.maximumf
// CHECK:       arith.constant 2147483647 : i32
// CHECK:       arith.minsi
bp.func @extremes(%x: tensor<4x5xf32>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<i32>) {
  %m = bp.reduce_max %x axes = [1] : tensor<4x5xf32> -> tensor<4xf32>
  %n = bp.reduce_min %i axes = [0] : tensor<4xi32> -> tensor<i32>
  bp.return %m, %n : tensor<4xf32>, tensor<i32>
}

// -----

// Tests argmax: value and index accumulators with a strict comparison.
// CHECK-LABEL: func.func @argmax(
// CHECK:       linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]
// CHECK:       arith.cmpf ogt
// CHECK:       linalg.index 0
// CHECK:       arith.select
// CHECK:       tensor.expand_shape
bp.func @argmax(%x: tensor<4x5xf32>) -> tensor<1x5xi32> {
  %i = bp.argmax %x axis = 0 keepdims : tensor<4x5xf32> -> tensor<1x5xi32>
  bp.return %i : tensor<1x5xi32>
}
