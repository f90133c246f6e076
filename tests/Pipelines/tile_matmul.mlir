// RUN: bpc-opt --split-input-file --pass-pipeline='builtin.module(func.func(bpc-tile-matmul{rows=4 vectors=2 vector-width=8},canonicalize))' %s | FileCheck %s

// Tests that a matmul becomes 4 x 16 register tiles (4 rows, 2 vectors of 8)
// loaded from C, updated in order k = 0, 1, ... by a rounded product and a
// separate add (no fma), and stored back; then the 2 rows left over one at
// a time, the 8 columns left over (one vector), and the 3 last columns under
// a mask. M = 10, N = 43, K = 7 (canonicalize drops loops of one trip).
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME:    %[[A:.*]]: memref<10x7xf32>, %[[B:.*]]: memref<7x43xf32>, %[[C:.*]]: memref<10x43xf32>)
// CHECK-NOT:     linalg.matmul
// CHECK:         %[[MASK:.*]] = vector.constant_mask [3] : vector<8xi1>
// CHECK:         scf.for %[[J:.*]] = %c0 to %c32 step %c16
// CHECK-NEXT:      scf.for %[[I:.*]] = %c0 to %c8 step %c4
// CHECK-COUNT-8:     vector.load %[[C]]
// CHECK:             scf.for %[[K:.*]] = %c0 to %c7 step %c1 iter_args(%[[ACC:[^ ]*]] =
// CHECK-NEXT:          %[[B0:.*]] = vector.load %[[B]][%[[K]], %[[J]]] : memref<7x43xf32>, vector<8xf32>
// CHECK-NEXT:          %[[B1:.*]] = vector.load %[[B]][%[[K]], %{{.*}}] : memref<7x43xf32>, vector<8xf32>
// CHECK-NEXT:          %[[A0:.*]] = memref.load %[[A]][%[[I]], %[[K]]]
// CHECK-NEXT:          %[[A0V:.*]] = vector.broadcast %[[A0]] : f32 to vector<8xf32>
// CHECK-NEXT:          %[[P:.*]] = arith.mulf %[[A0V]], %[[B0]] : vector<8xf32>
// CHECK-NEXT:          arith.addf %[[ACC]], %[[P]] : vector<8xf32>
// CHECK-NOT:           fma
// CHECK:               scf.yield
// CHECK-COUNT-8:     vector.store {{.*}}, %[[C]]
// The 2 rows left over, one at a time:
// CHECK:         scf.for %{{.*}} = %c0 to %c32 step %c16
// CHECK-NEXT:      scf.for %{{.*}} = %c8 to %c10 step %c1
// The 8 columns left over, one vector (the loop over them has one trip):
// CHECK:         scf.for %{{.*}} = %c0 to %c8 step %c4
// CHECK:           vector.load %[[C]][%{{.*}}, %c32]
// CHECK:         scf.for %{{.*}} = %c8 to %c10 step %c1
// CHECK:           vector.load %[[C]][%{{.*}}, %c32]
// The last 3 columns, under the mask:
// CHECK:         scf.for %{{.*}} = %c0 to %c8 step %c4
// CHECK:           vector.maskedload %[[C]][%{{.*}}, %c40], %[[MASK]]
// CHECK:             vector.maskedload %[[B]][%{{.*}}, %c40], %[[MASK]]
// CHECK:           vector.maskedstore %[[C]][%{{.*}}, %c40], %[[MASK]]
// CHECK:         scf.for %{{.*}} = %c8 to %c10 step %c1
// CHECK:           vector.maskedload %[[C]][%{{.*}}, %c40], %[[MASK]]
func.func @matmul(%a: memref<10x7xf32>, %b: memref<7x43xf32>, %c: memref<10x43xf32>) {
  linalg.matmul ins(%a, %b : memref<10x7xf32>, memref<7x43xf32>) outs(%c : memref<10x43xf32>)
  return
}

// -----

// Tests that A may be read transposed (x^T @ dh after bpc-fold-transposes):
// its scalar loads follow the map, A[k, i].
// CHECK-LABEL: func.func @transposed_a(
// CHECK-SAME:    %[[A:.*]]: memref<7x8xf32>
// CHECK:         scf.for %[[I:.*]] = %c0 to %c8 step %c4
// CHECK:           scf.for %[[K:.*]] = {{.*}} iter_args(
// CHECK:             memref.load %[[A]][%[[K]], %[[I]]] : memref<7x8xf32>
// CHECK-NOT:     linalg.generic
#at = affine_map<(i, j, k) -> (k, i)>
#b = affine_map<(i, j, k) -> (k, j)>
#c = affine_map<(i, j, k) -> (i, j)>
func.func @transposed_a(%a: memref<7x8xf32>, %b: memref<7x16xf32>, %c: memref<8x16xf32>) {
  linalg.generic {indexing_maps = [#at, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<7x8xf32>, memref<7x16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Tests what is left alone: B read across its rows (its contiguous
// dimension is k, so the columns of a tile are not one vector load), a
// body other than multiply-add, and h^T @ dp with a single column, whose
// rows are contiguous in A (bpc-interchange-loops vectorises those).
// CHECK-LABEL: func.func @transposed_b(
// CHECK:         linalg.generic
// CHECK-LABEL: func.func @not_multiply_add(
// CHECK:         linalg.generic
// CHECK-LABEL: func.func @column_of_contiguous_rows(
// CHECK:         linalg.generic
// CHECK-NOT:     vector.
#a = affine_map<(i, j, k) -> (i, k)>
#bt = affine_map<(i, j, k) -> (j, k)>
#c = affine_map<(i, j, k) -> (i, j)>
#at = affine_map<(i, j, k) -> (k, i)>
#b = affine_map<(i, j, k) -> (k, j)>
func.func @transposed_b(%a: memref<8x7xf32>, %b: memref<16x7xf32>, %c: memref<8x16xf32>) {
  linalg.generic {indexing_maps = [#a, #bt, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<8x7xf32>, memref<16x7xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
func.func @not_multiply_add(%a: memref<8x7xf32>, %b: memref<7x16xf32>, %c: memref<8x16xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<8x7xf32>, memref<7x16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.addf %x, %y : f32
    %s = arith.maximumf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
func.func @column_of_contiguous_rows(%h: memref<1000x200xf32>, %dp: memref<1000x1xf32>, %dr: memref<200x1xf32>) {
  linalg.generic {indexing_maps = [#at, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%h, %dp : memref<1000x200xf32>, memref<1000x1xf32>) outs(%dr : memref<200x1xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
