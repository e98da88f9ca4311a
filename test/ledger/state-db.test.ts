import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import { StateDb, STATE_TABLES, type StateUpdate } from '../../src/ledger/statedb/state-db.js'
import { compareUtf8 } from '../../src/ledger/statedb/keys.js'
import { isWeftError } from '../../src/shared/errors.js'

const enc = new TextEncoder()
const dec = new TextDecoder()

/** The blocks' updates, standing in for the block store the ledger replays on open. */
type Log = Array<StateUpdate[]>

async function openDb (compactAfterBlocks = 0): Promise<{ db: StateDb, log: Log, reopen: () => Promise<StateDb> }> {
  const factory = memoryKvStoreFactory()
  const store = await factory.open('state', STATE_TABLES)
  const db = await StateDb.open(store, { compactAfterBlocks, compactionChunk: 7 })
  const log: Log = []
  return {
    db,
    log,
    reopen: async () => {
      const again = await StateDb.open(await factory.open('state', STATE_TABLES), { compactAfterBlocks, compactionChunk: 7 })
      // Replay, as the ledger does on open: no ops for blocks already committed.
      for (let b = again.compactedUpTo + 1; b < log.length; b++) {
        const { ops, apply } = await again.prepareBlock(b, log[b] as StateUpdate[])
        expect(ops).toEqual([])
        apply()
      }
      return again
    }
  }
}

const logs = new WeakMap<StateDb, Log>()

async function commit (db: StateDb, blockNum: number, updates: StateUpdate[], log?: Log): Promise<void> {
  const { ops, apply } = await db.prepareBlock(blockNum, updates)
  expect(ops.length).toBeGreaterThan(0)
  // The ledger writes these ops inside its block transaction; here they go alone.
  await (db as unknown as { store: { write: (o: unknown) => Promise<void> } }).store.write(ops)
  apply()
  const l = log ?? logs.get(db)
  if (l !== undefined) l[blockNum] = updates
}

async function collect (db: StateDb, ns: string, s: string, e: string): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = []
  for await (const kv of db.range(ns, s, e)) out.push([kv.key, dec.decode(kv.value)])
  return out
}

describe('state DB: memtable + per-key records behave as one versioned store', () => {
  it('matches a reference map under random blocks, deletes, compactions and reopens', async () => {
    const keyArb = fc.constantFrom('a', 'b', 'c', 'aa', '\u0000c\u0000x\u0000', 'z\uFFFF', 'z\u{1F600}', 'é', '')
    const blockArb = fc.array(fc.record({ key: keyArb, del: fc.boolean(), v: fc.nat(99), ns: fc.constantFrom('cc1', 'cc2') }), { maxLength: 6 })
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(blockArb, fc.nat(3)), { minLength: 1, maxLength: 12 }), async (blocks) => {
      const opened = await openDb()
      let db = opened.db
      const reopen = opened.reopen
      const log = opened.log
      const ref = new Map<string, { v: string, b: number, t: number }>()
      for (let b = 0; b < blocks.length; b++) {
        const [writes, action] = blocks[b] as [Array<{ key: string, del: boolean, v: number, ns: string }>, number]
        const updates: StateUpdate[] = writes.map((w, t) => w.del
          ? { ns: w.ns, key: w.key, txNum: t, isDelete: true }
          : { ns: w.ns, key: w.key, txNum: t, value: enc.encode(`v${w.v}`) })
        await commit(db, b, updates, log)
        writes.forEach((w, t) => {
          if (w.del) ref.delete(`${w.ns}\u0000${w.key}`)
          else ref.set(`${w.ns}\u0000${w.key}`, { v: `v${w.v}`, b, t })
        })
        if (action === 1) await db.compact()
        if (action === 2) db = await reopen()
      }
      for (const ns of ['cc1', 'cc2']) {
        const expected = [...ref.entries()].filter(([k]) => k.startsWith(`${ns}\u0000`))
          .map(([k, v]) => [k.slice(ns.length + 1), v.v] as [string, string])
          .sort((x, y) => compareUtf8(x[0], y[0]))
        expect(await collect(db, ns, '', '')).toEqual(expected)
        expect(await collect(db, ns, 'aa', 'z')).toEqual(expected.filter(([k]) => compareUtf8(k, 'aa') >= 0 && compareUtf8(k, 'z') < 0))
        for (const k of ['a', 'b', 'c', 'aa', 'é', '', 'missing']) {
          const got = await db.get(ns, k)
          const want = ref.get(`${ns}\u0000${k}`)
          expect(got === undefined ? undefined : { v: dec.decode(got.value), b: got.version.blockNum, t: got.version.txNum }).toEqual(want)
        }
        const many = await db.getMany(ns, ['a', 'zz', 'c'])
        expect(many.map((m) => m === undefined ? undefined : dec.decode(m.value))).toEqual(['a', 'zz', 'c'].map((k) => ref.get(`${ns}\u0000${k}`)?.v))
      }
    }), { numRuns: 60 })
  })

  it('merges memtable and storage across many growing storage pages', async () => {
    const { db } = await openDb()
    const keys = Array.from({ length: 3000 }, (_, i) => `k${String(i).padStart(5, '0')}`)
    await commit(db, 0, keys.map((key, t) => ({ ns: 'cc', key, txNum: t, value: enc.encode('old') })))
    await db.compact()
    const changed = keys.filter((_, i) => i % 7 === 0)
    const deleted = keys.filter((_, i) => i % 11 === 0)
    await commit(db, 1, [
      ...changed.map((key, t) => ({ ns: 'cc', key, txNum: t, value: enc.encode('new') })),
      ...deleted.map((key, t) => ({ ns: 'cc', key, txNum: changed.length + t, isDelete: true })),
      { ns: 'cc', key: 'k01000a', txNum: 9999, value: enc.encode('added') }
    ])
    const expected = [...keys, 'k01000a'].sort(compareUtf8).filter((k) => !deleted.includes(k))
      .map((k) => [k, k === 'k01000a' ? 'added' : changed.includes(k) ? 'new' : 'old'])
    expect(await collect(db, 'cc', '', '')).toEqual(expected)
    expect(await collect(db, 'cc', 'k00500', 'k02500')).toEqual(expected.filter(([k]) => (k as string) >= 'k00500' && (k as string) < 'k02500'))
  })

  it('orders keys by UTF-8 bytes, not UTF-16 code units', async () => {
    const { db } = await openDb()
    await commit(db, 0, ['\uFFFF', '\u{1F600}', 'a'].map((key, t) => ({ ns: 'cc', key, txNum: t, value: enc.encode(key) })))
    await db.compact()
    await commit(db, 1, [{ ns: 'cc', key: '\uE000', txNum: 0, value: enc.encode('x') }])
    expect((await collect(db, 'cc', '', '')).map(([k]) => k)).toEqual(['a', '\uE000', '\uFFFF', '\u{1F600}'])
  })

  it('keeps metadata across value writes, drops it on delete, and versions metadata writes (tx_ops.go)', async () => {
    const { db, reopen, log } = await openDb()
    logs.set(db, log)
    const meta = new Map([['VALIDATION_PARAMETER', enc.encode('policy')]])
    await commit(db, 0, [{ ns: 'cc', key: 'k', txNum: 0, value: enc.encode('v0') }, { ns: 'cc', key: 'ghost', txNum: 1, metadata: meta }])
    await commit(db, 1, [{ ns: 'cc', key: 'k', txNum: 3, metadata: meta }])
    expect((await db.get('cc', 'k'))?.version).toEqual({ blockNum: 1, txNum: 3 })
    expect(dec.decode((await db.get('cc', 'k'))?.value)).toBe('v0')
    expect(db.getMetadata('cc', 'ghost')).toBeUndefined()
    await commit(db, 2, [{ ns: 'cc', key: 'k', txNum: 0, value: enc.encode('v2') }])
    expect(db.getMetadata('cc', 'k')).toEqual(meta)
    const again = await reopen()
    logs.set(again, log)
    expect(again.getMetadata('cc', 'k')).toEqual(meta)
    expect((await again.get('cc', 'k'))?.version).toEqual({ blockNum: 2, txNum: 0 })
    await commit(again, 3, [{ ns: 'cc', key: 'k', txNum: 0, isDelete: true }])
    expect(again.getMetadata('cc', 'k')).toBeUndefined()
  })

  it('rejects keys that are not UTF-8 and namespaces with U+0000', async () => {
    const { db } = await openDb()
    await expect(db.get('cc', '\uD800')).rejects.toSatisfy((e: unknown) => isWeftError(e, 'LEDGER_BAD_INPUT'))
    await expect(db.get('c\u0000c', 'k')).rejects.toSatisfy((e: unknown) => isWeftError(e, 'LEDGER_BAD_INPUT'))
  })
})
