// RUN: bpc-opt %s | bpc-opt | FileCheck %s
// RUN: bpc-opt --split-input-file --verify-diagnostics %S/Inputs/control-flow-invalid.mlir

// Tests that bp.if, bp.while and bp.progress print and parse back unchanged.
// CHECK-LABEL: bp.func @branch
// CHECK: %[[R:.*]] = bp.if %{{.*}} -> (tensor<f32>) {
// CHECK:   bp.yield %{{.*}} : tensor<f32>
// CHECK: } else {
// CHECK:   bp.yield %{{.*}} : tensor<f32>
// CHECK: }
bp.func @branch(%x: tensor<f32>, %c: tensor<i1>) -> tensor<f32> {
  %r = bp.if %c -> (tensor<f32>) {
    %a = bp.mul %x, %x : (tensor<f32>, tensor<f32>) -> tensor<f32>
    bp.yield %a : tensor<f32>
  } else {
    bp.yield %x : tensor<f32>
  }
  bp.return %r : tensor<f32>
}

// CHECK-LABEL: bp.func @no_results
// CHECK: bp.if %{{.*}} {
bp.func @no_results(%c: tensor<i1>) {
  bp.if %c {
    bp.yield
  } else {
    bp.yield
  }
  bp.return
}

// CHECK-LABEL: bp.func @count
// CHECK: bp.while (%{{.*}}) : (tensor<i32>) -> tensor<i32> {
// CHECK:   bp.condition %{{.*}}, %{{.*}} : tensor<i32>
// CHECK: } do {
// CHECK:   bp.yield %{{.*}} : tensor<i32>
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

// CHECK-LABEL: bp.func @count_with_progress
// CHECK: } do {
// CHECK:   %[[NEXT:.*]] = bp.add
// CHECK:   bp.progress %[[NEXT]] total = 1000 : tensor<i32>
// CHECK:   bp.yield %[[NEXT]] : tensor<i32>
bp.func @count_with_progress() -> tensor<i32> {
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
