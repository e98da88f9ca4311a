// The whole ledger against a reference model (property test): random blocks of transactions with
// random validation codes, compactions and reopens in between; state, range scans, history and txId
// lookups must always equal what the model says Fabric would hold.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { TxValidationCode } from '../../src/protos/index.js'
import 'fake-indexeddb/auto'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import { idbKvStoreFactory } from '../../src/storage/idb.js'
import type { KvStoreFactory } from '../../src/storage/kv.js'
import { compareUtf8 } from '../../src/ledger/statedb/keys.js'
import { harness } from './ledger-suite.js'
import { text, utf8 } from './fixtures.js'

const KEYS = ['a', 'b', 'c', 'k\u{1F600}', '\uFFFF', 'z']

async function drain<T> (it: { next: () => Promise<T | undefined> }): Promise<T[]> {
  const out: T[] = []
  for (let r = await it.next(); r !== undefined; r = await it.next()) out.push(r)
  return out
}

const writeArb = fc.record({ key: fc.constantFrom(...KEYS), del: fc.boolean(), v: fc.nat(9) })
const txArb = fc.record({ writes: fc.array(writeArb, { minLength: 1, maxLength: 3 }), valid: fc.boolean() })
const stepArb = fc.record({ txs: fc.array(txArb, { minLength: 1, maxLength: 4 }), then: fc.constantFrom('none', 'none', 'compact', 'reopen') })

const backends: Array<[string, () => KvStoreFactory, number]> = [
  ['memory', () => memoryKvStoreFactory(), 40],
  ['fake-indexeddb', () => idbKvStoreFactory({ indexedDB: new IDBFactory(), keyRange: IDBKeyRange }), 15]
]

describe.each(backends)('ledger against a reference model (%s)', (_name, makeFactory, numRuns) => {
  it('state, ranges, history and txId lookups follow the model', async () => {
    await fc.assert(fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 8 }), async (steps) => {
      const h = await harness(makeFactory())
      const state = new Map<string, string>()
      const history = new Map<string, Array<[string, string | undefined]>>()
      const codes = new Map<string, number>()
      for (let b = 0; b < steps.length; b++) {
        const step = steps[b]!
        const envs: Uint8Array[] = []
        for (let i = 0; i < step.txs.length; i++) {
          const tx = step.txs[i]!
          envs.push(await h.tx(`t${b}-${i}`, (sim) => {
            for (const w of tx.writes) {
              if (w.del) sim.deleteState('cc', w.key)
              else sim.setState('cc', w.key, utf8(`v${w.v}`))
            }
          }))
        }
        const txCodes = step.txs.map((t) => t.valid ? TxValidationCode.VALID : TxValidationCode.MVCC_READ_CONFLICT)
        await h.commit(envs, txCodes)
        step.txs.forEach((tx, i) => {
          codes.set(`t${b}-${i}`, txCodes[i]!)
          if (!tx.valid) return
          // The simulator keeps the last write per key of a transaction.
          const last = new Map(tx.writes.map((w) => [w.key, w.del ? undefined : `v${w.v}`]))
          for (const [k, v] of last) {
            if (v === undefined) state.delete(k)
            else state.set(k, v)
            history.set(k, [[`t${b}-${i}`, v], ...(history.get(k) ?? [])])
          }
        })
        if (step.then === 'compact') await h.ledger.compact()
        if (step.then === 'reopen') await h.reopen()
      }
      const q = h.ledger.newQueryExecutor()
      expect((await q.getStateMultipleKeys('cc', KEYS)).map(text)).toEqual(KEYS.map((k) => state.get(k)))
      const scanned = (await drain(await q.getStateRangeScanIterator('cc', '', ''))).map((r) => [r.key, text(r.value)])
      expect(scanned).toEqual([...state].sort(([x], [y]) => compareUtf8(x, y)))
      for (const k of KEYS) {
        const mods = await drain(await h.ledger.newHistoryQueryExecutor().getHistoryForKey('cc', k))
        expect(mods.map((m) => [m.txId, m.isDelete ? undefined : text(m.value)])).toEqual(history.get(k) ?? [])
      }
      for (const [txId, c] of codes) expect(await h.ledger.getTxValidationCodeByTxID(txId)).toBe(c)
      expect(h.ledger.getChainInfo().height).toBe(steps.length)
      await h.ledger.close()
    }), { numRuns })
  })
})
