#!/usr/bin/env python3
"""SciPy peer for `npm run bench -- leontief`: solves (I - A) x = d for the CSR arrays Norma wrote.

Usage: scipy_leontief.py DIR TOL REPEAT
DIR holds meta.json (n, nnz), rowptr.i32, colidx.i32, values.f64, d.f64 (raw little-endian).
Times only the solve calls (loading and building I - A are excluded), for bicgstab, gmres (default
restart) and a Neumann loop x <- d + A x, each REPEAT times; prints one JSON object per method and a
final one with the peak RSS. The caller takes the fastest converged method.
"""
import json, os, resource, sys, time

import numpy as np
import scipy
import scipy.sparse as sp
import scipy.sparse.linalg as sla

d_ir, tol, repeat = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
t_load = time.perf_counter()
meta = json.load(open(os.path.join(d_ir, "meta.json")))
n, nnz = meta["n"], meta["nnz"]
rowptr = np.fromfile(os.path.join(d_ir, "rowptr.i32"), dtype="<i4")
colidx = np.fromfile(os.path.join(d_ir, "colidx.i32"), dtype="<i4")
values = np.fromfile(os.path.join(d_ir, "values.f64"), dtype="<f8")
d = np.fromfile(os.path.join(d_ir, "d.f64"), dtype="<f8")
t_build = time.perf_counter()
A = sp.csr_matrix((values, colidx, rowptr), shape=(n, n))
M = (sp.identity(n, format="csr") - A).tocsr()
t_done = time.perf_counter()
bn = np.linalg.norm(d)
maxiter = int(meta.get("maxiter", 10000))


def true_res(x):
    return float(np.linalg.norm(d - M @ x) / bn)


def kw():
    # SciPy >= 1.12 calls the relative tolerance rtol; older releases call it tol.
    major, minor = (int(v) for v in scipy.__version__.split(".")[:2])
    return {"rtol": tol} if (major, minor) >= (1, 12) else {"tol": tol}


def run_bicgstab():
    it = [0]
    def cb(_x):
        it[0] += 1
    t = time.perf_counter()
    x, info = sla.bicgstab(M, d, atol=0.0, maxiter=maxiter, callback=cb, **kw())
    return (time.perf_counter() - t) * 1e3, x, it[0], info == 0


def run_gmres():
    it = [0]
    def cb(_r):
        it[0] += 1
    t = time.perf_counter()
    x, info = sla.gmres(M, d, atol=0.0, maxiter=maxiter, callback=cb, callback_type="pr_norm", **kw())
    return (time.perf_counter() - t) * 1e3, x, it[0], info == 0


def run_neumann():
    t = time.perf_counter()
    x = d.copy()
    k = 0
    ok = False
    while k < maxiter:
        r = d - x + A @ x
        k += 1
        if np.linalg.norm(r) <= tol * bn:
            ok = True
            break
        x += r
    return (time.perf_counter() - t) * 1e3, x, k, ok


# Bare baseline: one product A @ x, best of 3.
xb = np.ones(n)
tb = []
for _ in range(3):
    t0 = time.perf_counter()
    A @ xb
    tb.append((time.perf_counter() - t0) * 1e3)
print(json.dumps({"baseline_spmv_ms": min(tb), "load_ms": (t_build - t_load) * 1e3, "build_ms": (t_done - t_build) * 1e3}), flush=True)

skip = set(os.environ.get("NORMA_BENCH_SCIPY_SKIP", "").split(","))
for name, fn in (("bicgstab", run_bicgstab), ("gmres", run_gmres), ("neumann", run_neumann)):
    if name in skip:
        continue
    times = []
    for _ in range(repeat):
        ms, x, its, ok = fn()
        times.append(ms)
    print(json.dumps({"method": name, "ms": min(times), "all_ms": times, "iterations": its,
                      "residual": true_res(x), "converged": bool(ok)}), flush=True)
print(json.dumps({"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "scipy": scipy.__version__, "numpy": np.__version__, "python": sys.executable}), flush=True)
