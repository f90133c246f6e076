// RUN: bpc-opt --split-input-file --bpc-loop-carried-destinations %s | FileCheck %s
// RUN: bpc-opt --split-input-file --bpc-bufferize %s | FileCheck %s --check-prefix=BUF

// Tests that the elementwise ops producing a loop's carried values write
// into the block arguments they replace (the counter, a Variable read before
// its update, one read by the update itself), and that after bufferization
// the loop neither allocates nor copies: everything is updated in place.
// CHECK-LABEL: func.func @lif_like(
// CHECK:         scf.while
// CHECK:         } do {
// CHECK:         ^bb0(%[[I:.*]]: tensor<i32>, %[[V:.*]]: tensor<8xf32>, %[[C:.*]]: tensor<8xf32>):
// CHECK:           %[[NEWV:.*]] = linalg.generic {{.*}} ins(%[[V]] : tensor<8xf32>) outs(%[[V]] : tensor<8xf32>)
// CHECK:           %[[NEWC:.*]] = linalg.generic {{.*}} ins(%[[C]], %[[NEWV]] : tensor<8xf32>, tensor<8xf32>) outs(%[[C]] : tensor<8xf32>)
// CHECK:           %[[NEXT:.*]] = linalg.generic {{.*}} ins(%[[I]], %{{.*}} : tensor<i32>, tensor<i32>) outs(%[[I]] : tensor<i32>)
// CHECK:           scf.yield %[[NEXT]], %[[NEWV]], %[[NEWC]]
// BUF-LABEL:   func.func @lif_like(
// BUF:           scf.while
// BUF-NOT:       memref.alloc
// BUF-NOT:       linalg.copy
// BUF:           return
#id = affine_map<(d0) -> (d0)>
#s = affine_map<() -> ()>
func.func @lif_like(%v0: tensor<8xf32>, %c0: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
  %zero = arith.constant dense<0> : tensor<i32>
  %one = arith.constant dense<1> : tensor<i32>
  %n = arith.constant dense<100> : tensor<i32>
  %half = arith.constant 0.5 : f32
  %r:3 = scf.while (%i = %zero, %v = %v0, %c = %c0) : (tensor<i32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<i32>, tensor<8xf32>, tensor<8xf32>) {
    %e = tensor.empty() : tensor<i1>
    %lt = linalg.generic {indexing_maps = [#s, #s, #s], iterator_types = []}
        ins(%i, %n : tensor<i32>, tensor<i32>) outs(%e : tensor<i1>) {
    ^bb0(%a: i32, %b: i32, %o: i1):
      %x = arith.cmpi slt, %a, %b : i32
      linalg.yield %x : i1
    } -> tensor<i1>
    %cond = tensor.extract %lt[] : tensor<i1>
    scf.condition(%cond) %i, %v, %c : tensor<i32>, tensor<8xf32>, tensor<8xf32>
  } do {
  ^bb0(%i: tensor<i32>, %v: tensor<8xf32>, %c: tensor<8xf32>):
    %e = tensor.empty() : tensor<8xf32>
    %nv = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%v : tensor<8xf32>) outs(%e : tensor<8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %x = arith.mulf %a, %half : f32
      linalg.yield %x : f32
    } -> tensor<8xf32>
    %nc = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
        ins(%c, %nv : tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<8xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %x = arith.addf %a, %b : f32
      linalg.yield %x : f32
    } -> tensor<8xf32>
    %e0 = tensor.empty() : tensor<i32>
    %next = linalg.generic {indexing_maps = [#s, #s, #s], iterator_types = []}
        ins(%i, %one : tensor<i32>, tensor<i32>) outs(%e0 : tensor<i32>) {
    ^bb0(%a: i32, %b: i32, %o: i32):
      %x = arith.addi %a, %b : i32
      linalg.yield %x : i32
    } -> tensor<i32>
    scf.yield %next, %nv, %nc : tensor<i32>, tensor<8xf32>, tensor<8xf32>
  }
  return %r#1, %r#2 : tensor<8xf32>, tensor<8xf32>
}

// -----

// Tests that a carried value read after the op producing its next value
// keeps a fresh destination (writing into it would need a copy), and that
// an op whose body reads its output element is left alone.
// CHECK-LABEL: func.func @read_after(
// CHECK:         } do {
// CHECK:         ^bb0(%[[V:.*]]: tensor<8xf32>, %[[W:.*]]: tensor<8xf32>):
// CHECK:           %[[E:.*]] = tensor.empty() : tensor<8xf32>
// CHECK:           %[[NV:.*]] = linalg.generic {{.*}} ins(%[[V]] : tensor<8xf32>) outs(%[[E]] : tensor<8xf32>)
// CHECK:           %[[NW:.*]] = linalg.generic {{.*}} ins(%[[V]] : tensor<8xf32>) outs(%[[E]] : tensor<8xf32>)
// CHECK:           scf.yield %[[NV]], %[[NW]]
#id = affine_map<(d0) -> (d0)>
func.func @read_after(%v0: tensor<8xf32>, %c: i1) -> tensor<8xf32> {
  %r:2 = scf.while (%v = %v0, %w = %v0) : (tensor<8xf32>, tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>) {
    scf.condition(%c) %v, %w : tensor<8xf32>, tensor<8xf32>
  } do {
  ^bb0(%v: tensor<8xf32>, %w: tensor<8xf32>):
    %e = tensor.empty() : tensor<8xf32>
    %nv = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%v : tensor<8xf32>) outs(%e : tensor<8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %x = arith.negf %a : f32
      linalg.yield %x : f32
    } -> tensor<8xf32>
    %nw = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%v : tensor<8xf32>) outs(%e : tensor<8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %x = arith.addf %a, %o : f32
      linalg.yield %x : f32
    } -> tensor<8xf32>
    scf.yield %nv, %nw : tensor<8xf32>, tensor<8xf32>
  }
  return %r#0 : tensor<8xf32>
}
