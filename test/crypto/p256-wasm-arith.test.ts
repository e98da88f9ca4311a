import fc from 'fast-check'
import { p256 } from '@noble/curves/nist.js'
import { describe, expect, it } from 'vitest'
import { P256WasmContext, TestOp } from '../../src/crypto/p256-wasm/context.js'

// The WASM field (mod p) and scalar (mod n) arithmetic against BigInt, through the testOp hook.

const P = p256.Point.Fp.ORDER
const N = p256.Point.Fn.ORDER
const ctx = new P256WasmContext({ keySlots: 1, batchCapacity: 1 })

function toBytes (v: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

function fromBytes (b: Uint8Array): bigint {
  let v = 0n
  for (const x of b) v = (v << 8n) | BigInt(x)
  return v
}

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m

function pow (b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n
  b = mod(b, m)
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m
    b = (b * b) % m
    e >>= 1n
  }
  return r
}

function run (op: number, a: bigint, b: bigint): bigint {
  return fromBytes(ctx.testOp(op, toBytes(a), toBytes(b)))
}

// Uniform values plus the edges where carries and the Solinas folds misbehave if wrong.
function element (m: bigint): fc.Arbitrary<bigint> {
  const edges = [0n, 1n, 2n, m - 1n, m - 2n, (m - 1n) >> 1n, 2n ** 224n, 2n ** 192n, 2n ** 96n, 2n ** 32n - 1n, 2n ** 255n]
    .filter((v) => v < m)
  return fc.oneof(
    fc.bigInt({ min: 0n, max: m - 1n }),
    fc.constantFrom(...edges),
    // all-ones / all-zeros 32-bit limbs stress the column carries
    fc.array(fc.constantFrom<bigint>(0n, 0xffffffffn, 1n, 0x80000000n), { minLength: 8, maxLength: 8 })
      .map((limbs) => limbs.reduce<bigint>((acc, l) => (acc << 32n) | l, 0n) % m)
  )
}

describe('P-256 field arithmetic in WASM (mod p) equals BigInt', () => {
  const fp = element(P)
  it('add, sub, mul, sqr', () => {
    fc.assert(fc.property(fp, fp, (a, b) => {
      expect(run(TestOp.fieldAdd, a, b)).toBe(mod(a + b, P))
      expect(run(TestOp.fieldSub, a, b)).toBe(mod(a - b, P))
      expect(run(TestOp.fieldMul, a, b)).toBe(mod(a * b, P))
      expect(run(TestOp.fieldSqr, a, 0n)).toBe(mod(a * a, P))
    }), { numRuns: 2000 })
  })

  it('inv (0 maps to 0)', () => {
    fc.assert(fc.property(fp, (a) => {
      expect(run(TestOp.fieldInv, a, 0n)).toBe(pow(a, P - 2n, P))
    }), { numRuns: 200 })
  })
})

describe('P-256 scalar arithmetic in WASM (mod n) equals BigInt', () => {
  const fn = element(N)
  it('mul (through Montgomery form) and inv', () => {
    fc.assert(fc.property(fn, fn, (a, b) => {
      expect(run(TestOp.scalarMul, a, b)).toBe(mod(a * b, N))
    }), { numRuns: 2000 })
    fc.assert(fc.property(fn, (a) => {
      expect(run(TestOp.scalarInv, a, 0n)).toBe(pow(a, N - 2n, N))
    }), { numRuns: 200 })
  })

  it('reduce maps any 256-bit value to value mod n', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }), (a) => {
      expect(run(TestOp.scalarReduce, a, 0n)).toBe(a % N)
    }), { numRuns: 1000 })
    expect(run(TestOp.scalarReduce, 2n ** 256n - 1n, 0n)).toBe((2n ** 256n - 1n) % N)
    expect(run(TestOp.scalarReduce, N, 0n)).toBe(0n)
  })
})
