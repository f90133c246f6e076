// RUN: bpc-opt --split-input-file --bpc-lower-bp-to-linalg %s | FileCheck %s

// Tests that random_bits reads the key's two words once and hashes each
// element's row-major index (i * 3 + j) as (hi, lo) with Threefry: the
// Skein parity constant 0x1BD11BDA = 466688986, the first rotation 13, and
// 20 rounds.
// CHECK-LABEL: func.func @bits(
// CHECK-SAME:    %[[KEY:.*]]: tensor<2xi32>
// CHECK:         %[[K0:.*]] = tensor.extract %[[KEY]][%{{.*}}] : tensor<2xi32>
// CHECK:         %[[K1:.*]] = tensor.extract %[[KEY]][%{{.*}}] : tensor<2xi32>
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<2x3xi32>)
// CHECK:           linalg.index 0
// CHECK:           linalg.index 1
// CHECK:           %[[LINEAR:.*]] = arith.addi %{{.*}}, %{{.*}} : i64
// CHECK:           %[[HI64:.*]] = arith.shrui %[[LINEAR]], %c32_i64 : i64
// CHECK:           arith.trunci %[[HI64]] : i64 to i32
// CHECK:           arith.trunci %[[LINEAR]] : i64 to i32
// CHECK:           %c466688986_i32 = arith.constant 466688986 : i32
// CHECK:           arith.xori %[[K0]], %[[K1]] : i32
// CHECK:           %c13_i32 = arith.constant 13 : i32
// CHECK:           linalg.yield %{{.*}} : i32
bp.func @bits(%key: tensor<2xi32>) -> tensor<2x3xi32> {
  %b = bp.random_bits %key : tensor<2xi32> -> tensor<2x3xi32>
  bp.return %b : tensor<2x3xi32>
}

// -----

// Tests that a uniform draw puts 23 random bits under the exponent of 1.0,
// subtracts 1 and computes max(lo, fma(f, hi - lo, lo)) with the bounds
// broadcast from 0-d.
// CHECK-LABEL: func.func @uniform(
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<f32>, tensor<f32>) outs(%{{.*}} : tensor<4xf32>)
// CHECK:         ^bb0(%[[LO:[a-z0-9_]+]]: f32, %[[HI:[a-z0-9_]+]]: f32, %{{.*}}: f32):
// CHECK:           %[[SHIFTED:.*]] = arith.shrui %{{.*}}, %c9_i32 : i32
// CHECK:           %[[MANT:.*]] = arith.ori %[[SHIFTED]], %c1065353216_i32 : i32
// CHECK:           %[[F:.*]] = arith.bitcast %[[MANT]] : i32 to f32
// CHECK:           %[[F1:.*]] = arith.subf %[[F]], %cst : f32
// CHECK:           %[[RANGE:.*]] = arith.subf %[[HI]], %[[LO]] : f32
// CHECK:           %[[V:.*]] = math.fma %[[F1]], %[[RANGE]], %[[LO]] : f32
// CHECK:           %[[R:.*]] = arith.maximumf %[[LO]], %[[V]] : f32
// CHECK:           linalg.yield %[[R]] : f32
bp.func @uniform(%key: tensor<2xi32>, %lo: tensor<f32>, %hi: tensor<f32>) -> tensor<4xf32> {
  %u = bp.random_uniform %key, %lo, %hi : (tensor<2xi32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  bp.return %u : tensor<4xf32>
}

// -----

// Tests that split hashes the counter pair (0, i) of row i and picks word j
// of column j.
// CHECK-LABEL: func.func @split(
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<3x2xi32>)
// CHECK:           %[[ROW:.*]] = linalg.index 0
// CHECK:           %[[COL:.*]] = linalg.index 1
// CHECK:           %[[FIRST:.*]] = arith.cmpi eq, %[[COL]], %{{.*}} : index
// CHECK:           %[[W:.*]] = arith.select %[[FIRST]], %{{.*}}, %{{.*}} : i32
// CHECK:           linalg.yield %[[W]] : i32
bp.func @split(%key: tensor<2xi32>) -> tensor<3x2xi32> {
  %k = bp.random_split %key : tensor<2xi32> -> tensor<3x2xi32>
  bp.return %k : tensor<3x2xi32>
}

// -----

// Tests that randint derives its two keys outside the loop and reduces
// both words modulo the span with unsigned remainders.
// CHECK-LABEL: func.func @randint(
// CHECK:         linalg.generic
// CHECK:         ^bb0(%[[LO:[a-z0-9_]+]]: i32, %[[HI:[a-z0-9_]+]]: i32, %{{.*}}: i32):
// CHECK:           %[[EMPTY:.*]] = arith.cmpi sle, %[[HI]], %[[LO]] : i32
// CHECK:           %[[DIFF:.*]] = arith.subi %[[HI]], %[[LO]] : i32
// CHECK:           %[[SPAN:.*]] = arith.select %[[EMPTY]], %{{.*}}, %[[DIFF]] : i32
// CHECK-NEXT:      arith.constant 65536 : i32
// CHECK-NEXT:      %[[M0:.*]] = arith.remui %{{.*}}, %[[SPAN]] : i32
// CHECK-NEXT:      %[[MSQ:.*]] = arith.muli %[[M0]], %[[M0]] : i32
// CHECK-NEXT:      %[[M:.*]] = arith.remui %[[MSQ]], %[[SPAN]] : i32
// CHECK-NEXT:      %[[LOWER:.*]] = arith.remui %{{.*}}, %[[SPAN]] : i32
// CHECK-NEXT:      %[[HIGHER:.*]] = arith.remui %{{.*}}, %[[SPAN]] : i32
// CHECK-NEXT:      %[[T:.*]] = arith.muli %[[HIGHER]], %[[M]] : i32
// CHECK-NEXT:      %[[S:.*]] = arith.addi %[[T]], %[[LOWER]] : i32
// CHECK-NEXT:      %[[OFF:.*]] = arith.remui %[[S]], %[[SPAN]] : i32
// CHECK-NEXT:      %[[R:.*]] = arith.addi %[[LO]], %[[OFF]] : i32
// CHECK-NEXT:      linalg.yield %[[R]] : i32
bp.func @randint(%key: tensor<2xi32>, %lo: tensor<i32>, %hi: tensor<i32>) -> tensor<5xi32> {
  %r = bp.random_int %key, %lo, %hi : (tensor<2xi32>, tensor<i32>, tensor<i32>) -> tensor<5xi32>
  bp.return %r : tensor<5xi32>
}
