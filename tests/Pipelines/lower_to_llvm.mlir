// RUN: bpc-opt --bpc-bufferize --bpc-lower-to-llvm %s | FileCheck %s

// Tests that the CPU stages take a tensor-level function to the LLVM dialect,
// with the C interface wrapper the runtime glue calls: the result becomes a
// trailing out-param (nothing is returned) and `exp` is expanded into plain
// arithmetic (fma), with no call to libm's expf.
// CHECK: llvm.func @selu(
// CHECK-NOT: llvm.intr.exp
// CHECK: llvm.intr.fma
// CHECK: llvm.return{{$}}
// CHECK: llvm.func @_mlir_ciface_selu(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-NOT: linalg.
// CHECK-NOT: memref.
// CHECK-NOT: expf
#map = affine_map<(d0) -> (d0)>
func.func @selu(%x: tensor<?xf32>) -> tensor<?xf32> attributes {llvm.emit_c_interface} {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %out = tensor.empty(%n) : tensor<?xf32>
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
