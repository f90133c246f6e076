//===- BPRandomOps.td - Counter-based random numbers of bp -*- tablegen -*-===//
//
// jax.random's Threefry-2x32 generator as pure ops of a key (DESIGN.md §3).
// A key is JAX's raw `uint32[2]` key held as `tensor<2xi32>` (the bits are
// the same; bp has no unsigned types). Every op derives its numbers from the
// key and the row-major index of each element alone, as JAX does with
// `jax_threefry_partitionable` (its default since JAX 0.5): element `i`
// hashes the counter pair `(i >> 32, i & 0xFFFFFFFF)`. The ops are Pure:
// drawing fresh numbers is the tracer's job (it splits a RandomState's key
// and writes the new key back, like BrainPy's `split_key`), so equal keys
// give equal numbers in eager code, in jitted code and on every target.
//
//===----------------------------------------------------------------------===//

#ifndef BPC_DIALECT_BP_IR_BPRANDOMOPS_TD
#define BPC_DIALECT_BP_IR_BPRANDOMOPS_TD

// Shapes are checked by the verifiers (a key is exactly tensor<2xi32>; every
// result has a static shape).
def BP_KeyTensor : RankedTensorOf<[I32]>;

class BP_RandomOp<string mnemonic> : BP_Op<mnemonic, [Pure]> {
  let hasVerifier = 1;
}

def BP_RandomSplitOp : BP_RandomOp<"random_split"> {
  let summary = "New keys from a key (`jax.random.split`)";
  let description = [{
    Row `i` of the `N x 2` result is the Threefry-2x32 hash of the counter
    pair `(0, i)` under `key`, so `N` is the number of keys.

    ```mlir
    %keys = bp.random_split %key : tensor<2xi32> -> tensor<2x2xi32>
    ```
  }];
  let arguments = (ins BP_KeyTensor:$key);
  let results = (outs RankedTensorOf<[I32]>:$result);
  let assemblyFormat = "$key attr-dict `:` type($key) `->` type($result)";
}

def BP_RandomBitsOp : BP_RandomOp<"random_bits"> {
  let summary = "Uniform random 32-bit words (`jax.random.bits`)";
  let description = [{
    Element `i` (row-major) is `y0 ^ y1` where `(y0, y1)` is the hash of the
    counter pair `(i >> 32, i & 0xFFFFFFFF)`; the words are unsigned in JAX
    and carried here as i32 bits.

    ```mlir
    %bits = bp.random_bits %key : tensor<2xi32> -> tensor<4x5xi32>
    ```
  }];
  let arguments = (ins BP_KeyTensor:$key);
  let results = (outs RankedTensorOf<[I32]>:$result);
  let assemblyFormat = "$key attr-dict `:` type($key) `->` type($result)";
}

def BP_RandomUniformOp : BP_RandomOp<"random_uniform"> {
  let summary = "Uniform floats in [minval, maxval) (`jax.random.uniform`)";
  let description = [{
    The mantissa bits of each word (23 for f32; 52 of a 64-bit word for
    f64, whose word is `(y0 << 32) | y1`) under the exponent of 1.0 give a
    float `f` in [1, 2); the element is `max(minval, fma(f - 1, maxval -
    minval, minval))`, the fused form XLA computes. `minval` and `maxval`
    are 0-d or have the result's shape, with its element type.

    ```mlir
    %u = bp.random_uniform %key, %lo, %hi
        : (tensor<2xi32>, tensor<f32>, tensor<f32>) -> tensor<10xf32>
    ```
  }];
  let arguments = (ins BP_KeyTensor:$key, BP_FloatTensor:$minval,
                       BP_FloatTensor:$maxval);
  let results = (outs BP_FloatTensor:$result);
  let assemblyFormat = [{
    $key `,` $minval `,` $maxval attr-dict `:`
    functional-type(operands, results)
  }];
}

def BP_RandomNormalOp : BP_RandomOp<"random_normal"> {
  let summary = "Standard normal floats (`jax.random.normal`)";
  let description = [{
    `sqrt(2) * erfinv(u)` with `u` uniform in `(-1, 1)` (the lower bound is
    `nextafter(-1, 0)`, as in JAX's `_normal_real`), and erfinv by Giles'
    single-precision polynomial in XLA's evaluation order (each Horner step
    an FMA). f32 only: an f64 normal would need XLA's double-precision
    erfinv, which is not implemented.

    ```mlir
    %n = bp.random_normal %key : tensor<2xi32> -> tensor<3x3xf32>
    ```
  }];
  let arguments = (ins BP_KeyTensor:$key);
  let results = (outs RankedTensorOf<[F32]>:$result);
  let assemblyFormat = "$key attr-dict `:` type($key) `->` type($result)";
}

def BP_RandomIntOp : BP_RandomOp<"random_int"> {
  let summary = "Uniform integers in [minval, maxval) (`jax.random.randint`)";
  let description = [{
    JAX's algorithm: the key is split in two, each half gives a word per
    element (`hi`, `lo`), and with `span = maxval - minval` as unsigned
    (1 when `maxval <= minval`) and `m = (2^16 mod span)^2 mod span`, the
    element is `minval + ((hi mod span) * m + lo mod span) mod span`, all in
    wrapping unsigned 32-bit arithmetic. `minval` and `maxval` are 0-d or
    have the result's shape, with its element type (i32 only).

    ```mlir
    %r = bp.random_int %key, %lo, %hi
        : (tensor<2xi32>, tensor<i32>, tensor<i32>) -> tensor<10xi32>
    ```
  }];
  let arguments = (ins BP_KeyTensor:$key, RankedTensorOf<[I32]>:$minval,
                       RankedTensorOf<[I32]>:$maxval);
  let results = (outs RankedTensorOf<[I32]>:$result);
  let assemblyFormat = [{
    $key `,` $minval `,` $maxval attr-dict `:`
    functional-type(operands, results)
  }];
}

#endif // BPC_DIALECT_BP_IR_BPRANDOMOPS_TD
