// RUN: bpc-opt --split-input-file --bpc-hoist-loop-allocs %s | FileCheck %s

// Tests that a static buffer living for one iteration (written, then read,
// by linalg ops and loads) is allocated once before the outermost loop,
// also from inside an scf.if, while a buffer that the loop yields and one
// of dynamic size stay where they are.
// CHECK-LABEL: func.func @loops(
// CHECK:         %[[FLAG:.*]] = memref.alloc() : memref<i1>
// CHECK-NEXT:    %[[MASK:.*]] = memref.alloc() : memref<8xi1>
// CHECK-NEXT:    scf.for
// CHECK:           scf.while
// CHECK:             memref.store %{{.*}}, %[[FLAG]][]
// CHECK:           } do {
// CHECK:             %[[DYN:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK:             %[[CARRIED:.*]] = memref.alloc() : memref<8xf32>
// CHECK:             scf.if
// CHECK:               linalg.generic {{.*}} outs(%[[MASK]] : memref<8xi1>)
// CHECK:             scf.yield %[[CARRIED]]
#id = affine_map<(d0) -> (d0)>
func.func @loops(%v0: memref<8xf32>, %n: index, %c: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %th = arith.constant 1.0 : f32
  scf.for %k = %c0 to %c4 step %c1 {
    %r = scf.while (%v = %v0) : (memref<8xf32>) -> memref<8xf32> {
      %flag = memref.alloc() : memref<i1>
      memref.store %c, %flag[] : memref<i1>
      %go = memref.load %flag[] : memref<i1>
      scf.condition(%go) %v : memref<8xf32>
    } do {
    ^bb0(%v: memref<8xf32>):
      %dyn = memref.alloc(%n) : memref<?xf32>
      linalg.fill ins(%th : f32) outs(%dyn : memref<?xf32>)
      %next = memref.alloc() : memref<8xf32>
      scf.if %c {
        %mask = memref.alloc() : memref<8xi1>
        linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
            ins(%v : memref<8xf32>) outs(%mask : memref<8xi1>) {
        ^bb0(%a: f32, %o: i1):
          %x = arith.cmpf oge, %a, %th : f32
          linalg.yield %x : i1
        }
        linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
            ins(%mask, %v : memref<8xi1>, memref<8xf32>) outs(%next : memref<8xf32>) {
        ^bb0(%m: i1, %a: f32, %o: f32):
          %x = arith.select %m, %th, %a : f32
          linalg.yield %x : f32
        }
      }
      scf.yield %next : memref<8xf32>
    }
  }
  return
}
