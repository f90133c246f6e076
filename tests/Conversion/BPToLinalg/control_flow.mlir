// RUN: bpc-opt --bpc-lower-bp-to-linalg %s | FileCheck %s

// Tests that bp.if becomes scf.if on the extracted condition, its regions
// moved over and its yields turned into scf.yield.
// CHECK-LABEL: func.func @branch(
// CHECK-SAME:    %[[X:.*]]: tensor<f32>, %[[C:.*]]: tensor<i1>
// CHECK:         %[[B:.*]] = tensor.extract %[[C]][] : tensor<i1>
// CHECK:         %[[R:.*]] = scf.if %[[B]] -> (tensor<f32>) {
// CHECK:           %[[A:.*]] = linalg.generic
// CHECK:           scf.yield %[[A]] : tensor<f32>
// CHECK:         } else {
// CHECK:           scf.yield %[[X]] : tensor<f32>
// CHECK:         }
// CHECK:         return %[[R]] : tensor<f32>
bp.func @branch(%x: tensor<f32>, %c: tensor<i1>) -> tensor<f32> {
  %r = bp.if %c -> (tensor<f32>) {
    %a = bp.mul %x, %x : (tensor<f32>, tensor<f32>) -> tensor<f32>
    bp.yield %a : tensor<f32>
  } else {
    bp.yield %x : tensor<f32>
  }
  bp.return %r : tensor<f32>
}

// Tests that bp.while becomes scf.while, with bp.condition's 0-d bool read
// into scf.condition.
// CHECK-LABEL: func.func @count(
// CHECK:         scf.while (%[[I:.*]] = %{{.*}}) : (tensor<i32>) -> tensor<i32> {
// CHECK:           %[[LT:.*]] = linalg.generic
// CHECK:           %[[B:.*]] = tensor.extract %[[LT]][] : tensor<i1>
// CHECK:           scf.condition(%[[B]]) %[[I]] : tensor<i32>
// CHECK:         } do {
// CHECK:         ^bb0(%[[J:.*]]: tensor<i32>):
// CHECK:           %[[NEXT:.*]] = linalg.generic
// CHECK:           scf.yield %[[NEXT]] : tensor<i32>
bp.func @count(%n: tensor<i32>) -> tensor<i32> {
  %zero = bp.constant dense<0> : tensor<i32>
  %one = bp.constant dense<1> : tensor<i32>
  %r = bp.while (%zero) : (tensor<i32>) -> (tensor<i32>) {
  ^bb0(%i: tensor<i32>):
    %c = bp.cmp lt, %i, %n : (tensor<i32>, tensor<i32>) -> tensor<i1>
    bp.condition %c, %i : tensor<i32>
  } do {
  ^bb0(%i: tensor<i32>):
    %next = bp.add %i, %one : (tensor<i32>, tensor<i32>) -> tensor<i32>
    bp.yield %next : tensor<i32>
  }
  bp.return %r : tensor<i32>
}

// Tests that bp.progress becomes a call of the runtime's
// bpc_progress_update(done, total) (declared once, private) under an scf.if
// that passes the first and last iterations and every 2^k-th one, 2^k the
// largest power of two up to total/64 (1000 / 64 = 15: every 8th, tested
// as done & 7 == 0), the 0-d i32 count widened to i64.
// CHECK-LABEL: func.func @loop_with_progress(
// CHECK:         scf.while
// CHECK:         } do {
// CHECK:           %[[NEXT:.*]] = linalg.generic
// CHECK:           %[[D32:.*]] = tensor.extract %[[NEXT]][] : tensor<i32>
// CHECK:           %[[D:.*]] = arith.extsi %[[D32]] : i32 to i64
// CHECK-DAG:       %[[TOTAL:.*]] = arith.constant 1000 : i64
// CHECK-DAG:       %[[ONE:.*]] = arith.constant 1 : i64
// CHECK-DAG:       %[[LOW:.*]] = arith.constant 7 : i64
// CHECK-DAG:       %[[FIRST:.*]] = arith.cmpi eq, %[[D]], %[[ONE]] : i64
// CHECK-DAG:       %[[LAST:.*]] = arith.cmpi eq, %[[D]], %[[TOTAL]] : i64
// CHECK-DAG:       %[[REM:.*]] = arith.andi %[[D]], %[[LOW]] : i64
// CHECK:           %[[EITHER:.*]] = arith.ori %[[FIRST]], %[[LAST]] : i1
// CHECK:           %[[REPORT:.*]] = arith.ori %[[EITHER]], %{{.*}} : i1
// CHECK:           scf.if %[[REPORT]] {
// CHECK-NEXT:        func.call @bpc_progress_update(%[[D]], %[[TOTAL]]) : (i64, i64) -> ()
// CHECK-NEXT:      }
// CHECK:           scf.yield %[[NEXT]] : tensor<i32>
// CHECK:         func.func private @bpc_progress_update(i64, i64)
// CHECK-NOT:     bpc_progress_update
bp.func @loop_with_progress() -> tensor<i32> {
  %zero = bp.constant dense<0> : tensor<i32>
  %one = bp.constant dense<1> : tensor<i32>
  %n = bp.constant dense<1000> : tensor<i32>
  %r = bp.while (%zero) : (tensor<i32>) -> (tensor<i32>) {
  ^bb0(%i: tensor<i32>):
    %c = bp.cmp lt, %i, %n : (tensor<i32>, tensor<i32>) -> tensor<i1>
    bp.condition %c, %i : tensor<i32>
  } do {
  ^bb0(%i: tensor<i32>):
    %next = bp.add %i, %one : (tensor<i32>, tensor<i32>) -> tensor<i32>
    bp.progress %next total = 1000 : tensor<i32>
    bp.yield %next : tensor<i32>
  }
  bp.return %r : tensor<i32>
}
