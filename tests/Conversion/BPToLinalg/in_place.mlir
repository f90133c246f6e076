// RUN: bpc-opt --split-input-file --bpc-lower-bp-to-linalg --bpc-bufferize %s | FileCheck %s

// Tests DESIGN.md §4 end to end: after lowering and bufferization, the
// LogisticRegression step updates `lr.w` in its own buffer; the function has
// no result for it and no copy; the last generic writes into `lr.w`.
// CHECK-LABEL: func.func @lr_step(
// CHECK-SAME:    %[[X:.*]]: memref<?x10xf32>, %[[Y:.*]]: memref<?xf32>, %[[W:.*]]: memref<10xf32> {bp.var = "lr.w"})
// CHECK-SAME:    attributes {llvm.emit_c_interface} {
// CHECK-NOT:   memref.copy
// CHECK:       linalg.generic {{.*}} ins(%[[W]], %{{.*}} : memref<10xf32>, memref<10xf32>) outs(%[[W]] : memref<10xf32>)
// CHECK-NOT:   memref.copy
// CHECK:       return{{$}}
bp.func @lr_step(%X: tensor<?x10xf32>, %Y: tensor<?xf32>)
    vars(%w: tensor<10xf32> {bp.var = "lr.w"}) {
  %xw = bp.matmul %X, %w : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?xf32>
  %ny = bp.neg %Y : tensor<?xf32>
  %p = bp.mul %ny, %xw : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %s = bp.sigmoid %p : tensor<?xf32>
  %one = bp.constant dense<1.0> : tensor<f32>
  %d = bp.sub %s, %one : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
  %e = bp.mul %d, %Y : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  %u = bp.matmul %e, %X : (tensor<?xf32>, tensor<?x10xf32>) -> tensor<10xf32>
  %wn = bp.sub %w, %u : (tensor<10xf32>, tensor<10xf32>) -> tensor<10xf32>
  %w2 = bp.update_slice %wn into %w[0:?:1] : tensor<10xf32> into tensor<10xf32>
  bp.return vars(%w2 : tensor<10xf32>)
}

// -----

// Tests that a Variable returned unchanged is dropped too, and that an
// ordinary result is computed into its out-param (destination passing).
// CHECK-LABEL: func.func @read_only(
// CHECK-SAME:    %{{.*}}: memref<3xf32>, %{{.*}}: memref<3xf32> {bp.var = "v"}, %[[OUT:.*]]: memref<3xf32>) attributes
// CHECK-NOT:   memref.copy
// CHECK:       outs(%[[OUT]] : memref<3xf32>)
// CHECK:       return{{$}}
bp.func @read_only(%x: tensor<3xf32>) vars(%v: tensor<3xf32> {bp.var = "v"}) -> tensor<3xf32> {
  %r = bp.add %x, %v : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  bp.return %r : tensor<3xf32> vars(%v : tensor<3xf32>)
}

// -----

// Tests that a reduction written to a Variable uses the Variable as the
// accumulator (the fill's destination), without a copy.
// CHECK-LABEL: func.func @accumulate(
// CHECK-SAME:    %{{.*}}: memref<4x5xf32>, %[[S:.*]]: memref<4xf32> {bp.var = "s"}) attributes
// CHECK-NOT:   memref.copy
// CHECK:       linalg.fill {{.*}} outs(%[[S]] : memref<4xf32>)
// CHECK-NOT:   memref.copy
// CHECK:       return{{$}}
bp.func @accumulate(%x: tensor<4x5xf32>) vars(%s: tensor<4xf32> {bp.var = "s"}) {
  %r = bp.sum %x axes = [1] : tensor<4x5xf32> -> tensor<4xf32>
  bp.return vars(%r : tensor<4xf32>)
}

// -----

// Tests that partial updates of a Variable, by slice and by index, write
// through subviews of its own buffer: no allocation and no memref.copy (a
// strided copy would need memrefCopy, which no library links).
// CHECK-LABEL: func.func @partial_updates(
// CHECK-SAME:    %[[E:[^:]*]]: memref<f32>, %[[I:[^:]*]]: memref<i32>, %[[W:[^:]*]]: memref<4x?xf32> {bp.var = "w"}) attributes
// CHECK-NOT:   memref.alloc
// CHECK-NOT:   memref.copy
// CHECK:       %[[S1:.*]] = memref.subview %[[W]][1, 0] [2, %{{.*}}] [2, 1]
// CHECK:       linalg.generic {{.*}} ins(%[[E]] : memref<f32>) outs(%[[S1]] :
// CHECK:       %[[S2:.*]] = memref.subview %[[W]][0, %{{.*}}] [4, %{{.*}}] [1, 1]
// CHECK:       linalg.generic {{.*}} ins(%[[E]] : memref<f32>) outs(%[[S2]] :
// CHECK-NOT:   memref.copy
// CHECK:       return{{$}}
bp.func @partial_updates(%e: tensor<f32>, %i: tensor<i32>)
    vars(%w: tensor<4x?xf32> {bp.var = "w"}) {
  %w1 = bp.update_slice %e into %w[1:4:2, 0:?:1] : tensor<f32> into tensor<4x?xf32>
  %w2 = bp.update_index %e into %w1[%i] axes = [1]
      : (tensor<f32>, tensor<4x?xf32>, tensor<i32>) -> tensor<4x?xf32>
  bp.return vars(%w2 : tensor<4x?xf32>)
}

// -----

// Tests that a concatenation returned as a Variable's new value is computed
// straight into the Variable: no allocation and no copy.
// CHECK-LABEL: func.func @concat_into_var(
// CHECK-SAME:    %{{[^:]*}}: memref<?x3xf32>, %{{[^:]*}}: memref<2x3xf32>, %[[W:[^:]*]]: memref<?x3xf32> {bp.var = "w"}) attributes
// CHECK-NOT:   memref.alloc
// CHECK-NOT:   memref.copy
// CHECK:       linalg.generic {{.*}} outs(%[[W]] : memref<?x3xf32>)
// CHECK-NOT:   memref.copy
// CHECK:       return{{$}}
bp.func @concat_into_var(%a: tensor<?x3xf32>, %b: tensor<2x3xf32>)
    vars(%w: tensor<?x3xf32> {bp.var = "w"}) {
  %c = bp.concatenate %a, %b axis = 0
      : (tensor<?x3xf32>, tensor<2x3xf32>) -> tensor<?x3xf32>
  bp.return vars(%c : tensor<?x3xf32>)
}

// -----

// Tests a Variable whose old value is read after its new value is computed
// (Adan's `prev_grad = g` with the old one still needed): `p` gets its new
// value by a copy after the last read instead of an in-place computation
// that would clobber it, so both updates stay in place (no result); `w`,
// whose old value nothing reads later, is still computed into its buffer.
// CHECK-LABEL: func.func @read_after_update(
// CHECK-SAME:    %[[W:.*]]: memref<2xf32> {bp.var = "w"}, %[[P:.*]]: memref<2xf32> {bp.var = "p"}) attributes
// CHECK:       %[[G:.*]] = memref.alloc()
// CHECK:       linalg.generic {{.*}} ins(%[[W]], %{{.*}} : memref<2xf32>, memref<f32>) outs(%[[G]] : memref<2xf32>)
// CHECK:       linalg.generic {{.*}} ins(%[[W]], %[[G]], %[[P]], %{{.*}}) outs(%[[W]] : memref<2xf32>)
// CHECK:       linalg.copy ins(%[[G]] : memref<2xf32>) outs(%[[P]] : memref<2xf32>)
// CHECK:       return{{$}}
bp.func @read_after_update() vars(%w: tensor<2xf32> {bp.var = "w"}, %p: tensor<2xf32> {bp.var = "p"}) {
  %two = bp.constant dense<2.0> : tensor<f32>
  %g = bp.mul %w, %two : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  %d = bp.sub %g, %p : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %k = bp.constant dense<0.1> : tensor<f32>
  %u = bp.mul %d, %k : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  %wn = bp.sub %w, %u : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  bp.return vars(%wn, %g : tensor<2xf32>, tensor<2xf32>)
}
