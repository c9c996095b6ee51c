#!/usr/bin/env python3
"""Fits the rational erf approximation of fast_math.h's FastGeluErf and reports its error.

erf(z) ~ z P(u) / Q(u), u = (z / 3.92)^2, P and Q of degree 5, Q(0) = 1, on [0, 3.92] (erf is
odd; beyond 3.92 it is +-1 within 5e-8). Linearised least squares on 6000 Chebyshev nodes,
iterated with 1/Q weights (Sanathanan-Koerner) and Lawson-style reweighting by the error
towards minimax; the best iterate is kept. Then the float32 GELU built from the rounded
coefficients (evaluated the way fast_math.h does) is compared with 0.5 x (1 + erf(x / sqrt 2))
in double.

  /usr/bin/python3 sdk/src/kernels/fit_gelu_erf.py
"""
from math import erf

import numpy as np

CLAMP = 3.92


def fit(dp, dq, z, y, iters=60):
    u = (z / CLAMP) ** 2
    q_prev, lw, best = np.ones_like(z), np.ones_like(z), None
    for _ in range(iters):
        a = np.array([z * u ** i for i in range(dp + 1)] + [-y * u ** j for j in range(1, dq + 1)]).T
        w = lw / q_prev
        c, *_ = np.linalg.lstsq(a * w[:, None], y * w, rcond=None)
        p, q = c[:dp + 1], np.concatenate([[1.0], c[dp + 1:]])
        qv = sum(q[j] * u ** j for j in range(dq + 1))
        err = sum(p[i] * z * u ** i for i in range(dp + 1)) / qv - y
        if best is None or np.abs(err).max() < best[0]:
            best = (np.abs(err).max(), p.copy(), q.copy())
        q_prev = qv
        lw = np.maximum(lw * np.abs(err) ** 0.3 / (lw * np.abs(err) ** 0.3).sum(), 1e-12)
    return best


def gelu_f32(x, p, q):
    f = np.float32
    z = x * f(0.70710678118654752)
    z = np.minimum(np.maximum(z, f(-CLAMP)), f(CLAMP))
    u = (z * z) * f(1 / (CLAMP * CLAMP))
    pp, qq = np.full_like(z, p[5]), np.full_like(z, q[5])
    for i in range(4, -1, -1):
        pp, qq = pp * u + p[i], qq * u + q[i]
    e = (z * pp) / qq
    e = np.where(z >= f(CLAMP), f(1), np.where(z <= f(-CLAMP), f(-1), e))
    return (f(0.5) * x) * (f(1) + e)


def main():
    n = 6000
    z = (np.cos(np.pi * (np.arange(n) + 0.5) / n) + 1) / 2 * CLAMP
    y = np.array([erf(v) for v in z])
    e, p, q = fit(5, 5, z, y)
    p32, q32 = [np.float32(v) for v in p], [np.float32(v) for v in q]
    print("erf fit, degree 5/5: max error in double %.3g" % e)
    print("P =", ", ".join("%.17gf" % v for v in p32))
    print("Q =", ", ".join("%.17gf" % v for v in q32))
    xs = np.arange(-12, 12, 0.0005, dtype=np.float32)
    ref = np.array([0.5 * float(x) * (1 + erf(float(x) / 2 ** 0.5)) for x in xs])
    err = np.abs(gelu_f32(xs, p32, q32) - ref)
    print("float32 GELU vs the definition: max |error| %.3g for |x| < 4, %.3g for |x| < 12"
          % (err[np.abs(xs) < 4].max(), err.max()))


if __name__ == "__main__":
    main()
