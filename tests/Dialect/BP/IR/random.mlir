// RUN: bpc-opt %s | bpc-opt | FileCheck %s

// Tests that every random op prints and parses back unchanged.

// CHECK-LABEL: bp.func @draws
bp.func @draws() vars(%key: tensor<2xi32> {bp.var = "rng"}) -> (tensor<2x2xi32>, tensor<4x5xi32>, tensor<10xf32>, tensor<3xf64>, tensor<3x3xf32>, tensor<10xi32>) {
  // CHECK: bp.random_split %{{.*}} : tensor<2xi32> -> tensor<2x2xi32>
  %keys = bp.random_split %key : tensor<2xi32> -> tensor<2x2xi32>
  // CHECK: bp.random_bits %{{.*}} : tensor<2xi32> -> tensor<4x5xi32>
  %bits = bp.random_bits %key : tensor<2xi32> -> tensor<4x5xi32>
  %lo = bp.constant dense<0.0> : tensor<f32>
  %hi = bp.constant dense<1.0> : tensor<f32>
  // CHECK: bp.random_uniform %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2xi32>, tensor<f32>, tensor<f32>) -> tensor<10xf32>
  %u = bp.random_uniform %key, %lo, %hi : (tensor<2xi32>, tensor<f32>, tensor<f32>) -> tensor<10xf32>
  %lo64 = bp.constant dense<[0.0, 1.0, 2.0]> : tensor<3xf64>
  %hi64 = bp.constant dense<3.0> : tensor<f64>
  // CHECK: bp.random_uniform %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2xi32>, tensor<3xf64>, tensor<f64>) -> tensor<3xf64>
  %u64 = bp.random_uniform %key, %lo64, %hi64 : (tensor<2xi32>, tensor<3xf64>, tensor<f64>) -> tensor<3xf64>
  // CHECK: bp.random_normal %{{.*}} : tensor<2xi32> -> tensor<3x3xf32>
  %n = bp.random_normal %key : tensor<2xi32> -> tensor<3x3xf32>
  %ilo = bp.constant dense<0> : tensor<i32>
  %ihi = bp.constant dense<10> : tensor<i32>
  // CHECK: bp.random_int %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2xi32>, tensor<i32>, tensor<i32>) -> tensor<10xi32>
  %r = bp.random_int %key, %ilo, %ihi : (tensor<2xi32>, tensor<i32>, tensor<i32>) -> tensor<10xi32>
  bp.return %keys, %bits, %u, %u64, %n, %r : tensor<2x2xi32>, tensor<4x5xi32>, tensor<10xf32>, tensor<3xf64>, tensor<3x3xf32>, tensor<10xi32> vars(%key : tensor<2xi32>)
}

// A key is exactly tensor<2xi32>, results have static shapes, and bounds are
// 0-d or of the result's shape with its element type.
// RUN: bpc-opt --split-input-file --verify-diagnostics %S/Inputs/random-invalid.mlir
