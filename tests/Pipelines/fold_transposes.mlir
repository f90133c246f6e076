// RUN: bpc-opt --pass-pipeline='builtin.module(func.func(bpc-fold-transposes))' %s | FileCheck %s

// Tests that the transposes of reverse mode (x^T @ dh, dh @ w^T) are not
// copied: the matmul becomes a generic that reads x and w through permuted
// maps, with the same body, and the transposes and their empty tensors go.
// CHECK-DAG:   #[[KI:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG:   #[[KJ:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG:   #[[IK:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG:   #[[JK:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG:   #[[IJ:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @x_t_dh(
// CHECK-SAME:    %[[X:.*]]: tensor<1000x100xf32>, %[[DH:.*]]: tensor<1000x200xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         linalg.generic {indexing_maps = [#[[KI]], #[[KJ]], #[[IJ]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME:      ins(%[[X]], %[[DH]] : tensor<1000x100xf32>, tensor<1000x200xf32>)
// CHECK:           arith.mulf
// CHECK-NEXT:      arith.addf
func.func @x_t_dh(%x: tensor<1000x100xf32>, %dh: tensor<1000x200xf32>, %acc: tensor<100x200xf32>) -> tensor<100x200xf32> {
  %e = tensor.empty() : tensor<100x1000xf32>
  %xt = linalg.transpose ins(%x : tensor<1000x100xf32>) outs(%e : tensor<100x1000xf32>) permutation = [1, 0]
  %r = linalg.matmul ins(%xt, %dh : tensor<100x1000xf32>, tensor<1000x200xf32>) outs(%acc : tensor<100x200xf32>) -> tensor<100x200xf32>
  return %r : tensor<100x200xf32>
}

// CHECK-LABEL: func.func @dh_w_t(
// CHECK-SAME:    %[[DH:.*]]: tensor<1000x200xf32>, %[[W:.*]]: tensor<100x200xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         linalg.generic {indexing_maps = [#[[IK]], #[[JK]], #[[IJ]]]
// CHECK-SAME:      ins(%[[DH]], %[[W]] : tensor<1000x200xf32>, tensor<100x200xf32>)
func.func @dh_w_t(%dh: tensor<1000x200xf32>, %w: tensor<100x200xf32>, %acc: tensor<1000x100xf32>) -> tensor<1000x100xf32> {
  %e = tensor.empty() : tensor<200x100xf32>
  %wt = linalg.transpose ins(%w : tensor<100x200xf32>) outs(%e : tensor<200x100xf32>) permutation = [1, 0]
  %r = linalg.matmul ins(%dh, %wt : tensor<1000x200xf32>, tensor<200x100xf32>) outs(%acc : tensor<1000x100xf32>) -> tensor<1000x100xf32>
  return %r : tensor<1000x100xf32>
}

// Tests that a transpose with another use stays (for that use) while the
// matmul still reads its input directly.
// CHECK-LABEL: func.func @shared(
// CHECK-SAME:    %[[X:.*]]: tensor<4x3xf32>
// CHECK:         %[[T:.*]] = linalg.transpose ins(%[[X]]
// CHECK:         linalg.generic {{.*}} ins(%[[X]], %{{.*}} : tensor<4x3xf32>, tensor<4x5xf32>)
// CHECK:         return %{{.*}}, %[[T]]
func.func @shared(%x: tensor<4x3xf32>, %y: tensor<4x5xf32>, %acc: tensor<3x5xf32>) -> (tensor<3x5xf32>, tensor<3x4xf32>) {
  %e = tensor.empty() : tensor<3x4xf32>
  %xt = linalg.transpose ins(%x : tensor<4x3xf32>) outs(%e : tensor<3x4xf32>) permutation = [1, 0]
  %r = linalg.matmul ins(%xt, %y : tensor<3x4xf32>, tensor<4x5xf32>) outs(%acc : tensor<3x5xf32>) -> tensor<3x5xf32>
  return %r, %xt : tensor<3x5xf32>, tensor<3x4xf32>
}
