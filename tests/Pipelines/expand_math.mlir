// RUN: bpc-opt --bpc-expand-math %s | FileCheck %s

// Tests that f32 exp, scalar or vector, becomes branch-free arithmetic (the
// polynomial's fmas, the 2^n scaling by exponent bits) and that f64 exp and
// other math ops are left for libm. Accuracy is checked by the unit test
// tests/unit/Pipelines/ExpandMathTest.cpp.
// CHECK-LABEL: func.func @scalar(
// CHECK-NOT:     math.exp
// CHECK:         math.fma
// CHECK:         arith.bitcast {{.*}} : i32 to f32
// CHECK:         return
// CHECK-LABEL: func.func @vector(
// CHECK-NOT:     math.exp
// CHECK:         math.fma {{.*}} : vector<8xf32>
// CHECK-LABEL: func.func @others(
// CHECK:         math.exp %{{.*}} : f64
// CHECK:         math.tanh %{{.*}} : f32
func.func @scalar(%x: f32) -> f32 {
  %y = math.exp %x : f32
  return %y : f32
}
func.func @vector(%x: vector<8xf32>) -> vector<8xf32> {
  %y = math.exp %x : vector<8xf32>
  return %y : vector<8xf32>
}
func.func @others(%x: f64, %y: f32) -> (f64, f32) {
  %a = math.exp %x : f64
  %b = math.tanh %y : f32
  return %a, %b : f64, f32
}
