#!/usr/bin/env python3
"""Independent expected values for the seed examples run by bpc (run_examples.test).

Uses jax.random the way BrainPy's RandomState does (bm.random.DEFAULT starts at
PRNGKey(0) in bpc; each draw splits it: key, sub = split(key)) and NumPy/JAX
for the arithmetic.  pip install jax && python3 tests/e2e/seed/seed_reference.py
"""
import jax
import jax.numpy as jnp
import jax.random as jr
import numpy as np

key = jr.PRNGKey(0)


def draw():
    global key
    keys = jr.split(key)
    key = keys[0]
    return keys[1]


# selu.bpm: x = bm.random.normal(size=(1000000,)); print(selu_jit(x)[:3])
x = jr.normal(draw(), (1000000,))
selu = lambda x, alpha=1.67, lmbda=1.05: lmbda * jnp.where(x > 0, x, alpha * jnp.exp(x) - alpha)
print(np.asarray(selu(x)[:3]))

# logistic_regression.bpm (a fresh run: DEFAULT is PRNGKey(0) again).
key = jr.PRNGKey(0)
points = jr.uniform(draw(), (200000, 10))
labels = jr.uniform(draw(), (200000,))
w = 2.0 * jnp.ones(10) - 1.3
u = jnp.dot(((1.0 / (1.0 + jnp.exp(-labels * jnp.dot(points, w))) - 1.0) * labels), points)
print(np.asarray((w - u)[:3]))

# linear_net.bpm (Example 3): SGD(lr=1e-6) on bm.grad of the mean squared
# error, 30 jitted steps; each line is the loss before its step.
key = jr.PRNGKey(0)
w, b, r = jr.uniform(draw(), (100, 200)), jnp.zeros(200), jr.uniform(draw(), (200, 1))
xs, ys = jr.uniform(draw(), (1000, 100)), jr.uniform(draw(), (1000, 1))


def loss(params):
    w, b, r = params
    return jnp.mean(((xs @ w + b) @ r - ys) ** 2)


@jax.jit
def train(params):
    value, grads = jax.value_and_grad(loss)(params)
    return tuple(p - 1e-6 * g for p, g in zip(params, grads)), value


params = (w, b, r)
for i in range(30):
    params, value = train(params)
    print(f'Train {i}, loss = {value:.2f}')
