"""Prints the JAX reference values asserted in RandomTest.cpp.

Run with JAX installed (`pip install jax`; values there are from JAX 0.10.2,
CPU) and copy the printed words into RandomTest.cpp. Floats are printed as
their IEEE bit patterns so the test can compare them exactly.
"""
import jax
import numpy as np
from jax._src.random import threefry2x32


def words(a):
    return ", ".join("0x%08x" % int(v) for v in np.asarray(a).ravel())


def float_bits(a):
    return words(np.asarray(a, np.float32).view(np.uint32))


print("jax", jax.__version__)
# Random123 kat_vectors for threefry2x32_20, through JAX's own hash.
for key, ctr in [([0, 0], [0, 0]),
                 ([0xffffffff] * 2, [0xffffffff] * 2),
                 ([0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3])]:
    out = threefry2x32.threefry_2x32(np.uint32(key), np.uint32(ctr))
    print("threefry key", words(key), "ctr", words(ctr), "->", words(out))

for partitionable in [False, True]:
    jax.config.update("jax_threefry_partitionable", partitionable)
    print("=== jax_threefry_partitionable", partitionable)
    k0, k42 = jax.random.PRNGKey(0), jax.random.PRNGKey(42)
    print("PRNGKey(0)", words(k0))
    print("PRNGKey(42)", words(k42))
    print("fold_in(PRNGKey(0), 7)", words(jax.random.fold_in(k0, 7)))
    print("split(PRNGKey(0), 2)", words(jax.random.split(k0)))
    print("split(PRNGKey(42), 3)", words(jax.random.split(k42, 3)))
    print("bits(PRNGKey(0), (5,))", words(jax.random.bits(k0, (5,))))
    print("bits(PRNGKey(42), (4,))", words(jax.random.bits(k42, (4,))))
    print("uniform(PRNGKey(0), (5,))", float_bits(jax.random.uniform(k0, (5,))))
    print("uniform(PRNGKey(42), (3,), -2, 3)",
          float_bits(jax.random.uniform(k42, (3,), minval=-2.0, maxval=3.0)))
    print("normal(PRNGKey(0), (5,))", float_bits(jax.random.normal(k0, (5,))))

jax.config.update("jax_enable_x64", True)
print("x64 PRNGKey(0x123456789)", words(jax.random.PRNGKey(0x123456789)))
print("x64 PRNGKey(-1)", words(jax.random.PRNGKey(-1)))
