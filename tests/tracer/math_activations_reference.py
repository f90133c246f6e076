"""Expected output of math_activations.bpm: jax.nn's activation formulas
(BrainPy 2.4's brainpy.math.activations) written in NumPy float32.

    python3 tests/tracer/math_activations_reference.py
"""
import numpy as np

f32 = np.float32
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def sigmoid(x):
    return f32(1) / (f32(1) + np.exp(-x))


def softplus(x, beta=1, threshold=20):
    return np.where(x > threshold / beta, x, np.logaddexp(beta * x, f32(0)) / beta).astype(f32)


def relu6(x):
    return np.minimum(np.maximum(x, f32(0)), f32(6))


def elu(x, alpha=1.0):
    return np.where(x > 0, x, f32(alpha) * np.expm1(np.where(x > 0, f32(0), x)))


def softmax(x, axis=-1):
    u = np.exp(x - x.max(axis=axis, keepdims=True))
    return u / u.sum(axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    s = x - x.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def logsumexp(a, axis=None, keepdims=False):
    amax = a.max(axis=axis, keepdims=True)
    out = np.log(np.exp(a - amax).sum(axis=axis, keepdims=True)) + amax
    if keepdims:
        return out
    return out.reshape(()) if axis is None else np.squeeze(out, axis)


def one_hot(x, n):
    return (x[..., None] == np.arange(n)).astype(f32)


def r(v, d=5):
    return np.round(np.asarray(v, dtype=f32), d)


x = np.asarray([-3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 7.0], dtype=f32)
hard_sigmoid = relu6(x + f32(3)) / f32(6)
print(relu6(x), np.where(x > 1, f32(1), np.where(x < -1, f32(-1), x)), hard_sigmoid)
print(r(softplus(x)), r(-softplus(-x)))
print(r(x * sigmoid(x)), r(x * sigmoid(x)), r(x * hard_sigmoid))
gelu = x * (f32(0.5) * (f32(1) + np.tanh(f32(0.7978845608028654) * (x + f32(0.044715) * (x * x * x)))))
print(r(gelu), r(x * np.tanh(softplus(x))))
print(r(elu(x)), r(f32(SELU_SCALE) * elu(x, SELU_ALPHA)),
      r(np.maximum(x, f32(0)) + f32(2) * np.expm1(np.minimum(x, f32(0)) / f32(2))))
print(np.where(x >= 0, x, f32(0.01) * x), np.where(x >= 0, x, f32(0.2) * x), x / (np.abs(x) + f32(1)))
print(r(x - np.tanh(x)), np.where(np.abs(x) > 0.5, x, f32(0)),
      np.where(x > 0.5, x - f32(0.5), np.where(x < -0.5, x + f32(0.5), f32(0))))

m = np.asarray([[1.0, 2.0, 3.0], [-1.0, 0.0, 1000.0]], dtype=f32)
print(r(softmax(m)).tolist(), r(softmax(m, axis=0)).tolist())
print(r(log_softmax(m)).tolist(), r(softmax(-m)).tolist())
print(r(logsumexp(m), 4), r(logsumexp(m, axis=1)), logsumexp(m, axis=0, keepdims=True).shape)
print(one_hot(np.asarray([0, 2, 1]), 3), one_hot(np.asarray([[1], [3]]), 4).shape)
mean = m.mean(axis=-1, keepdims=True)
var = (m * m).mean(axis=-1, keepdims=True) - mean * mean
print(r((m - mean) / np.sqrt(var + f32(1e-5)), 4).tolist())

for v in (softmax(m), elu(m), one_hot(m.argmax(axis=1), 3)):
    print(r(v).tolist())
