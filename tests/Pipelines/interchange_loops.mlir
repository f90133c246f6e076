// RUN: bpc-opt --split-input-file --pass-pipeline='builtin.module(func.func(bpc-interchange-loops))' %s | FileCheck %s

// Tests that `v @ X` (linalg.vecmat) iterates over the rows of X outside and
// its contiguous columns inside: the reduction loop moves out, the body and
// the order of the additions into each u[j] stay the same.
// CHECK-DAG:   #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG:   #[[X:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @vecmat(
// CHECK:         linalg.generic {indexing_maps = [#[[ROW]], #[[X]], #[[COL]]], iterator_types = ["reduction", "parallel"]}
// CHECK:           arith.mulf
// CHECK-NEXT:      arith.addf
func.func @vecmat(%t: memref<?xf32>, %x: memref<?x10xf32>, %u: memref<10xf32>) {
  linalg.vecmat ins(%t, %x : memref<?xf32>, memref<?x10xf32>) outs(%u : memref<10xf32>)
  return
}

// -----

// Tests that `X @ w` (linalg.matvec) keeps rows outside: its inner loop is
// already the contiguous one.
// CHECK-LABEL: func.func @matvec(
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
func.func @matvec(%x: memref<?x10xf32>, %w: memref<10xf32>, %z: memref<?xf32>) {
  linalg.matvec ins(%x, %w : memref<?x10xf32>, memref<10xf32>) outs(%z : memref<?xf32>)
  return
}

// -----

// Tests that two reduction loops keep their relative order (a sum over a
// whole matrix adds in the same sequence) while the parallel loop moves
// inside where it is contiguous.
// CHECK-LABEL: func.func @two_reductions(
// CHECK:         linalg.generic {{.*}}iterator_types = ["reduction", "reduction", "parallel"]
// CHECK-SAME:      ins(%{{.*}} : memref<4x5x6xf32>) outs(%{{.*}} : memref<6xf32>)
#in = affine_map<(d0, d1, d2) -> (d1, d2, d0)>
#out = affine_map<(d0, d1, d2) -> (d0)>
func.func @two_reductions(%x: memref<4x5x6xf32>, %s: memref<6xf32>) {
  linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction", "reduction"]}
      ins(%x : memref<4x5x6xf32>) outs(%s : memref<6xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %y = arith.addf %acc, %a : f32
    linalg.yield %y : f32
  }
  return
}
