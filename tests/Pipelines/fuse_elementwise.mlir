// RUN: bpc-opt --split-input-file --bpc-fuse-elementwise %s | FileCheck %s

// Tests that a chain of elementwise ops becomes one loop nest whose body runs
// the same scalar ops in the same order, writing into the last op's
// destination.
// CHECK-LABEL: func.func @chain(
// CHECK:         %[[E:.*]] = tensor.empty
// CHECK:         %[[R:.*]] = linalg.generic
// CHECK-SAME:      outs(%[[E]] : tensor<?xf32>)
// CHECK:           math.exp
// CHECK-NEXT:      arith.mulf
// CHECK-NEXT:      arith.subf
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[R]]
#map = affine_map<(d0) -> (d0)>
#scalar = affine_map<(d0) -> ()>
func.func @chain(%x: tensor<?xf32>, %a: tensor<f32>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %0 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = math.exp %in : f32
    linalg.yield %y : f32
  } -> tensor<?xf32>
  %1 = linalg.generic {indexing_maps = [#map, #scalar, #map], iterator_types = ["parallel"]}
      ins(%0, %a : tensor<?xf32>, tensor<f32>) outs(%e : tensor<?xf32>) {
  ^bb0(%in: f32, %s: f32, %out: f32):
    %y = arith.mulf %in, %s : f32
    linalg.yield %y : f32
  } -> tensor<?xf32>
  %2 = linalg.generic {indexing_maps = [#map, #scalar, #map], iterator_types = ["parallel"]}
      ins(%1, %a : tensor<?xf32>, tensor<f32>) outs(%e : tensor<?xf32>) {
  ^bb0(%in: f32, %s: f32, %out: f32):
    %y = arith.subf %in, %s : f32
    linalg.yield %y : f32
  } -> tensor<?xf32>
  return %2 : tensor<?xf32>
}

// -----

// Tests that an elementwise producer is not fused into a consumer that reads
// each produced element more than once (here once per column j): that would
// recompute exp n*d times instead of n.
// CHECK-LABEL: func.func @no_recompute(
// CHECK:         math.exp
// CHECK:         linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK-NOT:       math.exp
#id = affine_map<(d0) -> (d0)>
#rows = affine_map<(d0, d1) -> (d0)>
#xy = affine_map<(d0, d1) -> (d0, d1)>
#cols = affine_map<(d0, d1) -> (d1)>
func.func @no_recompute(%t: tensor<?xf32>, %x: tensor<?x10xf32>, %u: tensor<10xf32>) -> tensor<10xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %t, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%t : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = math.exp %in : f32
    linalg.yield %y : f32
  } -> tensor<?xf32>
  %1 = linalg.generic {indexing_maps = [#rows, #xy, #cols], iterator_types = ["reduction", "parallel"]}
      ins(%0, %x : tensor<?xf32>, tensor<?x10xf32>) outs(%u : tensor<10xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<10xf32>
  return %1 : tensor<10xf32>
}

// -----

// Tests that an elementwise op overwrites a temporary input that nothing else
// reads (here a row sum that cannot be fused) instead of a fresh tensor: one
// buffer fewer after bufferization. A function argument is never
// overwritten, and a destination the body does not read is kept when it is
// a Variable's own tensor (upstream RemoveOutsDependency would replace it).
// CHECK-LABEL: func.func @reuse(
// CHECK-SAME:    %[[X:[^:]*]]: tensor<?xf32>, %[[M:[^:]*]]: tensor<?x4xf32>, %[[W:[^:]*]]: tensor<?xf32>
// CHECK:         %[[T:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK:         linalg.generic {{.*}} ins(%[[X]], %[[T]] : tensor<?xf32>, tensor<?xf32>) outs(%[[T]] : tensor<?xf32>)
// CHECK:         linalg.generic {{.*}} ins(%[[X]] : tensor<?xf32>) outs(%[[W]] : tensor<?xf32>)
#m = affine_map<(d0) -> (d0)>
#mij = affine_map<(d0, d1) -> (d0, d1)>
#mi = affine_map<(d0, d1) -> (d0)>
func.func @reuse(%x: tensor<?xf32>, %mat: tensor<?x4xf32>, %w: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %z = tensor.empty(%n) : tensor<?xf32>
  %cst = arith.constant 0.0 : f32
  %f = linalg.fill ins(%cst : f32) outs(%z : tensor<?xf32>) -> tensor<?xf32>
  %t = linalg.generic {indexing_maps = [#mij, #mi], iterator_types = ["parallel", "reduction"]}
      ins(%mat : tensor<?x4xf32>) outs(%f : tensor<?xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %y = arith.addf %acc, %in : f32
    linalg.yield %y : f32
  } -> tensor<?xf32>
  %r = linalg.generic {indexing_maps = [#m, #m, #m], iterator_types = ["parallel"]}
      ins(%x, %t : tensor<?xf32>, tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %y = arith.mulf %a, %b : f32
    linalg.yield %y : f32
  } -> tensor<?xf32>
  %v = linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%w : tensor<?xf32>) {
  ^bb0(%a: f32, %out: f32):
    %y = arith.negf %a : f32
    linalg.yield %y : f32
  } -> tensor<?xf32>
  return %r, %v : tensor<?xf32>, tensor<?xf32>
}

// -----

// Tests that a comparison mask read by two `where`s (a LIF step's spike
// mask) is recomputed in each instead of stored as a bool array: no i1
// tensor is left, each consumer compares then selects, and the value both
// compare (used twice) is still computed once.
// CHECK-LABEL: func.func @mask(
// CHECK-NOT:     tensor<8xi1>
// CHECK:         %[[V:.*]] = linalg.generic
// CHECK:           arith.addf
// CHECK:         %[[SPIKE:.*]] = linalg.generic {{.*}} ins(%[[V]]
// CHECK:           %[[C1:.*]] = arith.cmpf oge
// CHECK-NEXT:      arith.select %[[C1]]
// CHECK:         %[[RESET:.*]] = linalg.generic {{.*}} ins(%[[V]]
// CHECK:           %[[C2:.*]] = arith.cmpf oge
// CHECK-NEXT:      arith.select %[[C2]]
// CHECK-NOT:     tensor<8xi1>
// CHECK:         return %[[SPIKE]], %[[RESET]]
#id = affine_map<(d0) -> (d0)>
func.func @mask(%x: tensor<8xf32>, %th: f32) -> (tensor<8xf32>, tensor<8xf32>) {
  %one = arith.constant 1.0 : f32
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %v = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %a, %one : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %eb = tensor.empty() : tensor<8xi1>
  %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%v : tensor<8xf32>) outs(%eb : tensor<8xi1>) {
  ^bb0(%a: f32, %o: i1):
    %r = arith.cmpf oge, %a, %th : f32
    linalg.yield %r : i1
  } -> tensor<8xi1>
  %spike = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%m : tensor<8xi1>) outs(%e : tensor<8xf32>) {
  ^bb0(%b: i1, %o: f32):
    %r = arith.select %b, %one, %zero : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %reset = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%m, %v : tensor<8xi1>, tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%b: i1, %a: f32, %o: f32):
    %r = arith.select %b, %zero, %a : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  return %spike, %reset : tensor<8xf32>, tensor<8xf32>
}
