// RUN: bpc-opt --bpc-bufferize --bpc-lower-to-llvm %s | FileCheck %s

// Tests that the CPU stages take a tensor-level function to the LLVM dialect,
// with the C interface wrapper the runtime glue calls and `exp` as a math
// intrinsic.
// CHECK: llvm.func @selu(
// CHECK: llvm.intr.exp
// CHECK: llvm.func @_mlir_ciface_selu(
// CHECK-NOT: linalg.
// CHECK-NOT: memref.
#map = affine_map<(d0) -> (d0)>
func.func @selu(%x: tensor<?xf32>, %out: tensor<?xf32>) -> tensor<?xf32>
    attributes {llvm.emit_c_interface} {
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%out : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %alpha = arith.constant 1.67 : f32
    %lmbda = arith.constant 1.05 : f32
    %pos = arith.cmpf ogt, %a, %zero : f32
    %e = math.exp %a : f32
    %ae = arith.mulf %alpha, %e : f32
    %neg = arith.subf %ae, %alpha : f32
    %s = arith.select %pos, %a, %neg : f32
    %y = arith.mulf %lmbda, %s : f32
    linalg.yield %y : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}
