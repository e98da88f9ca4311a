/**
 * fast-check generators of block MVCC problems over small key domains, so that conflicts,
 * in-block overwrites, phantoms and forged in-block versions are all frequent.
 */
import fc from 'fast-check'
import type { Height } from '../../../src/ledger/api.js'
import { WriteKind } from '../../../src/validator/mvcc-wasm/problem.js'
import type { BlockMvccProblem, MvccCheck, MvccTx, MvccWrite } from '../../../src/validator/mvcc-wasm/problem.js'

const BLOCK = 3

/** Raw choices; `toProblem` turns them into a consistent problem. */
const rawHeight = fc.tuple(fc.integer({ min: 0, max: BLOCK }), fc.integer({ min: 0, max: 3 }))

const rawCheck = fc.oneof(
  fc.record({ kind: fc.constant('read' as const), key: fc.nat(), source: fc.integer({ min: 0, max: 5 }), h: rawHeight }),
  fc.record({
    kind: fc.constant('range' as const),
    a: fc.nat(),
    b: fc.nat(),
    // 0..1: the committed results of the interval, 2..3 those of the guessed in-block state (then perturbed by `edit`); 4: random results.
    source: fc.integer({ min: 0, max: 4 }),
    edit: fc.integer({ min: 0, max: 6 }),
    randomResults: fc.array(fc.tuple(fc.nat(), rawHeight), { maxLength: 4 })
  })
)

const rawTx = fc.record({
  pre: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(10, 2, 23) }),
  checks: fc.array(rawCheck, { maxLength: 4 }),
  writes: fc.array(fc.tuple(fc.nat(), fc.constantFrom(WriteKind.PUT, WriteKind.PUT, WriteKind.DELETE, WriteKind.METADATA)), { maxLength: 4 })
})

export const problemArbitrary: fc.Arbitrary<BlockMvccProblem> = fc.record({
  keyCount: fc.integer({ min: 1, max: 10 }),
  committed: fc.array(fc.option(rawHeight, { freq: 3 }), { minLength: 10, maxLength: 10 }),
  txs: fc.array(rawTx, { maxLength: 14 })
}).map(({ keyCount, committed, txs }) => {
  const heights: Array<Height | undefined> = committed.slice(0, keyCount).map((h) => h === null ? undefined : { blockNum: h[0], txNum: h[1] })
  // What the state would be if every earlier tx were valid: ranges recorded against it carry
  // in-block versions, which match exactly when the guess about validity was right.
  const guess = [...heights]
  const toTx = (raw: typeof txs[number], t: number): MvccTx => {
    const checks: MvccCheck[] = raw.checks.map((c) => {
      if (c.kind === 'read') {
        const keyId = c.key % keyCount
        // Mostly the committed version (valid unless overwritten in the block), else absent,
        // an arbitrary height, or a forged in-block height.
        const version = c.source <= 2
          ? heights[keyId]
          : c.source === 3 ? undefined : { blockNum: c.source === 5 ? BLOCK : c.h[0], txNum: c.h[1] }
        return { kind: 'read', keyId, version }
      }
      const lo = Math.min(c.a % (keyCount + 1), c.b % (keyCount + 1))
      const hi = Math.max(c.a % (keyCount + 1), c.b % (keyCount + 1))
      if (c.source === 4) {
        return { kind: 'range', lo, hi, results: c.randomResults.map(([k, h]) => ({ keyId: k % keyCount, version: { blockNum: h[0], txNum: h[1] } })) }
      }
      const results = []
      const view = c.source <= 1 ? heights : guess
      for (let k = lo; k < hi; k++) {
        const v = view[k]
        if (v !== undefined) results.push({ keyId: k, version: v })
      }
      if (c.edit === 1 && results.length > 0) results.pop() // as if a key appeared since
      if (c.edit === 2) results.push({ keyId: hi === 0 ? 0 : hi - 1, version: { blockNum: 0, txNum: 0 } })
      const first = results[0]
      if (c.edit === 3 && first !== undefined) results[0] = { keyId: first.keyId, version: { blockNum: BLOCK, txNum: 0 } }
      return { kind: 'range', lo, hi, results }
    })
    const writes: MvccWrite[] = raw.writes.map(([k, kind]) => ({ keyId: k % keyCount, kind }))
    for (const w of writes) {
      if (w.kind === WriteKind.PUT || (w.kind === WriteKind.METADATA && guess[w.keyId] !== undefined)) guess[w.keyId] = { blockNum: BLOCK, txNum: t }
      if (w.kind === WriteKind.DELETE) guess[w.keyId] = undefined
    }
    return { preCode: raw.pre, checks, writes }
  }
  return { blockNum: BLOCK, keyCount, committed: heights, txs: txs.map(toTx) }
})
