#!/usr/bin/env python3
"""Expected values of grad.bpm, computed with jax.grad (pip install jax)."""
import jax
import jax.numpy as jnp

f = lambda x: jnp.sum(x ** 2 + jnp.sin(x))
print([round(v, 5) for v in jax.grad(f)(jnp.array([0.5, 1.0, -2.0])).tolist()])
print(round(float(jax.grad(jnp.tanh)(0.2)), 6))
h = lambda a, b: (a * b + a ** 3).sum()
a, b = jnp.array([1.0, 2.0]), jnp.array([3.0, -1.0])
ga, gb = jax.grad(h, argnums=(0, 1))(a, b)
print(ga.tolist(), gb.tolist(), jax.grad(h, argnums=1)(a, b).tolist())
print(jax.grad(lambda a: (a * a).sum())(jnp.array([1.0, 3.0])).tolist(), 10.0)
print(jax.vmap(jax.grad(lambda a: a ** 3))(jnp.array([1.0, 2.0])).tolist())

w = jnp.array([[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]])
bias = jnp.array([0.01, -0.02])
X = jnp.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])
Y = jnp.array([[0.5, -0.5], [1.0, 0.0]])
loss = lambda w, b: jnp.mean((jnp.tanh(X @ w + b) - Y) ** 2)
value, (gw, gb) = jax.value_and_grad(loss, argnums=(0, 1))(w, bias)
print(round(float(value), 6), [round(v, 5) for v in gb.tolist()])
losses = []
for i in range(4):
    value, (gw, gb) = jax.value_and_grad(loss, argnums=(0, 1))(w, bias)
    losses.append(round(float(value), 6))
    w, bias = w - 0.5 * gw, bias - 0.5 * gb
print(losses)
