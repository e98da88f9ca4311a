// Points on y² = x³ − 3x + b over F_p. Jacobian (X, Y, Z) ↔ affine (X/Z², Y/Z³) in 96 bytes
// (X@0, Y@32, Z@64); Z = 0 is the point at infinity. Affine points (x@0, y@32) fill the tables.
// Formulas from the Explicit-Formulas Database (hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-3):
// dbl-2001-b (3M+5S, uses a = −3) and madd (Jacobian + affine, 8M+3S) with the exceptional
// cases handled explicitly, so a crafted key that makes a sum hit P = Q or P = −Q still
// verifies correctly (Wycheproof has such vectors).
import { fadd, fsub, fmul, fsqr, fdbl, isZero, copy, setOne, equal, B } from './field'

export const JAC: usize = 96
export const AFF: usize = 64

const delta: usize = memory.data(32)
const gamma: usize = memory.data(32)
const beta: usize = memory.data(32)
const alpha: usize = memory.data(32)
const t1: usize = memory.data(32)
const t2: usize = memory.data(32)

export function setInfinity (r: usize): void {
  memory.fill(r, 0, JAC)
}

export function isInfinity (p: usize): bool {
  return isZero(p + 64)
}

/** r = 2p. r may alias p. */
export function pdbl (r: usize, p: usize): void {
  const X = p
  const Y = p + 32
  const Z = p + 64
  fsqr(delta, Z)
  fsqr(gamma, Y)
  fmul(beta, X, gamma)
  fsub(t1, X, delta)
  fadd(t2, X, delta)
  fmul(alpha, t1, t2)
  fdbl(t1, alpha)
  fadd(alpha, alpha, t1) // alpha = 3(X − δ)(X + δ)
  // Z3 = (Y + Z)² − γ − δ (computed before Y and Z are overwritten)
  fadd(t1, Y, Z)
  fsqr(t1, t1)
  fsub(t1, t1, gamma)
  fsub(r + 64, t1, delta)
  // X3 = α² − 8β
  fdbl(beta, beta)
  fdbl(beta, beta) // 4β
  fsqr(t1, alpha)
  fdbl(t2, beta) // 8β
  fsub(r, t1, t2)
  // Y3 = α(4β − X3) − 8γ²
  fsub(t1, beta, r)
  fmul(t1, alpha, t1)
  fsqr(t2, gamma)
  fdbl(t2, t2)
  fdbl(t2, t2)
  fdbl(t2, t2)
  fsub(r + 32, t1, t2)
}

const z1z1: usize = memory.data(32)
const u2: usize = memory.data(32)
const s2: usize = memory.data(32)
const h: usize = memory.data(32)
const rr: usize = memory.data(32)
const hh: usize = memory.data(32)
const hhh: usize = memory.data(32)
const v: usize = memory.data(32)

/** r = p + q with q affine (never infinity). r may alias p. */
export function madd (r: usize, p: usize, q: usize): void {
  const X1 = p
  const Y1 = p + 32
  const Z1 = p + 64
  if (isZero(Z1)) {
    copy(r, q)
    copy(r + 32, q + 32)
    setOne(r + 64)
    return
  }
  fsqr(z1z1, Z1)
  fmul(u2, q, z1z1)
  fmul(s2, q + 32, Z1)
  fmul(s2, s2, z1z1)
  fsub(h, u2, X1)
  fsub(rr, s2, Y1)
  if (isZero(h)) {
    if (isZero(rr)) pdbl(r, p) // p = q
    else setInfinity(r) // p = −q
    return
  }
  fsqr(hh, h)
  fmul(hhh, h, hh)
  fmul(v, X1, hh)
  fmul(r + 64, Z1, h) // Z3 (Z1 no longer needed)
  fmul(t2, Y1, hhh) // Y1·H³ before Y1 may be overwritten
  // X3 = R² − H³ − 2V
  fsqr(t1, rr)
  fsub(t1, t1, hhh)
  fsub(t1, t1, v)
  fsub(r, t1, v)
  // Y3 = R(V − X3) − Y1·H³
  fsub(t1, v, r)
  fmul(t1, rr, t1)
  fsub(r + 32, t1, t2)
}

/** y² = x³ − 3x + b for affine (x, y) with x, y < p. */
export function onCurve (q: usize): bool {
  fsqr(t1, q)
  fmul(t1, t1, q) // x³
  fdbl(t2, q)
  fadd(t2, t2, q) // 3x
  fsub(t1, t1, t2)
  fadd(t1, t1, B)
  fsqr(t2, q + 32)
  return equal(t1, t2)
}
