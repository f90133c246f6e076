# NumPy float32 reference for the LIF lines of tests/tracer/for_range.bpm:
# 1000 steps of examples/lif.bpm's update (python3 tests/tracer/for_range_reference.py).
import numpy as np

f = np.float32
V = np.zeros(8, f) - f(65.0)
count = np.zeros(8, f)
I = np.array([20.0, 22.5, 25.0, 27.5, 30.0, 32.5, 35.0, 37.5], f)
tau, dt, v_rest, v_th, v_reset = f(10.0), f(0.1), f(-65.0), f(-50.0), f(-65.0)
for step in range(1000):
    Vn = V + (-(V - v_rest) + I) / tau * dt
    spiked = Vn >= v_th
    count = count + np.where(spiked, f(1.0), f(0.0))
    V = np.where(spiked, v_reset, Vn)
print("spikes per neuron:", [float(c) for c in count])
print("V:", [float(v) for v in V])
