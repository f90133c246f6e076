#!/usr/bin/env python3
"""Expected values of random.bpm, from jax.random with BrainPy's split_key.

    pip install jax && python3 tests/tracer/random_reference.py
"""
import jax
import jax.random as jr

assert jax.config.jax_threefry_partitionable, "bpc follows JAX >= 0.5's default"


class RandomState:
    def __init__(self, seed):
        self.value = jr.PRNGKey(seed)

    def split_key(self):
        keys = jr.split(self.value)
        self.value = keys[0]
        return keys[1]


default = RandomState(42)
print(default.value.tolist())
print(jr.uniform(default.split_key(), (3,)).tolist())
print(default.value.tolist())
print(default.split_key().tolist())
print([round(v, 6) for v in jr.normal(default.split_key(), (4,)).tolist()])
print(jr.randint(default.split_key(), (8,), 0, 10).tolist())
print(jr.uniform(default.split_key(), (3,), minval=2.0, maxval=3.0).tolist())
print(jr.bernoulli(default.split_key(), 0.5, (6,)).tolist())
rs = RandomState(7)
print(jr.uniform(rs.split_key(), (2, 2)).tolist())
