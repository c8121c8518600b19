#!/usr/bin/env python3
"""Fits the rational sigmoid of ChannelData.sigmoid (issue 3) and checks it as Java evaluates it, in float.

    sigmoid(x) - 1/2 = x * P(x^2) / Q(x^2) on [-18, 18], P of degree 4, Q of degree 5 with Q(0) = 1

Linearised least squares (x P - f Q = 0, weighted by 1/Q of the previous round) with Lawson reweighting toward the
smallest maximum error. Prints the coefficients and the float evaluation's largest absolute error against the
exact sigmoid. Run: /usr/bin/python3 bench/sigmoid-fit.py (needs numpy).
"""
import numpy as np

RANGE, P_TERMS, Q_TERMS = 18.0, 5, 6

x = np.linspace(1e-3, RANGE, 40000)
f = 1 / (1 + np.exp(-x)) - 0.5
z = x * x
weights = np.ones_like(x)
q_previous = np.ones_like(x)
for _ in range(60):
    columns = [x * z**k for k in range(P_TERMS)] + [-f * z**k for k in range(1, Q_TERMS)]
    a = np.stack(columns, 1)
    scale = np.abs(a).max(0)
    w = weights / q_previous
    solution, *_ = np.linalg.lstsq(a / scale * w[:, None], f * w, rcond=None)
    solution /= scale
    p, q = solution[:P_TERMS], np.concatenate([[1.0], solution[P_TERMS:]])
    q_previous = np.polyval(q[::-1], z)
    error = np.abs(x * np.polyval(p[::-1], z) / q_previous - f)
    weights = weights * np.sqrt(error / error.max()) + 1e-12
    weights /= weights.mean()
print("max |error| in double: %.3g" % error.max())

f32 = np.float32
pf, qf = p.astype(f32), q.astype(f32)


def sigmoid_as_java(values):
    v = np.minimum(np.maximum(values, f32(-RANGE)), f32(RANGE))
    zz = v * v
    num = pf[-1]
    for c in pf[-2::-1]:
        num = num * zz + c
    den = qf[-1]
    for c in qf[-2::-1]:
        den = den * zz + c
    return np.minimum(np.maximum(v * num / den + f32(0.5), f32(0)), f32(1))


grid = np.linspace(-40, 40, 8000001).astype(f32)
exact = 1 / (1 + np.exp(-grid.astype(np.float64)))
print("max |error| in float over [-40, 40]: %.3g" % np.abs(sigmoid_as_java(grid) - exact).max())
for name, coefficients in (("P", pf), ("Q", qf)):
    for k, c in enumerate(coefficients):
        print("%s%d = %.17g" % (name, k, float(c)))
