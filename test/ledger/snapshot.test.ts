import { describe, expect, it } from 'vitest'
import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import { createLedgerFromSnapshot, exportSnapshot, snapshotHash } from '../../src/ledger/snapshot.js'
import { isWeftError } from '../../src/shared/errors.js'
import { harness } from './ledger-suite.js'
import { text, utf8 } from './fixtures.js'
import type { TxSimulator } from '../../src/ledger/api.js'

const put = (kv: Record<string, string>) => (sim: TxSimulator) => { for (const [k, v] of Object.entries(kv)) sim.setState('cc', k, utf8(v)) }
const code = (c: string) => (e: unknown) => isWeftError(e, c)

async function drain<T> (it: { next: () => Promise<T | undefined> }): Promise<T[]> {
  const out: T[] = []
  for (let r = await it.next(); r !== undefined; r = await it.next()) out.push(r)
  return out
}

describe('ledger snapshots (Fabric 2.3 kvledger snapshot)', () => {
  it('exports state, history and chain info; a late joiner starts from it and verifies later blocks by hash', async () => {
    const h = await harness(memoryKvStoreFactory())
    await h.commit([await h.tx('t0', put({ a: '0', doc: '{"owner":"bob"}' }))])
    await h.ledger.defineIndexes('cc', [JSON.stringify({ index: { fields: ['owner'] }, ddoc: 'd', name: 'byOwner', type: 'json' })])
    await h.commit([await h.tx('t1', put({ a: '1' })), await h.tx('t2', (s) => { s.setStateMetadata('cc', 'a', new Map([['VALIDATION_PARAMETER', utf8('p')]])) })])
    const snap = await exportSnapshot(h.ledger, { includeHistory: true, tailBlocks: 2 })
    expect(snapshotHash(snap)).toMatch(/^[0-9a-f]{64}$/)

    // The source keeps going: block 2.
    const next = h.chain.next([await h.tx('t3', put({ b: '3' }))])
    await h.ledger.commit(next, [0])

    const joiner = await createLedgerFromSnapshot({ channelId: 'ch1', storage: memoryKvStoreFactory() }, snap)
    expect(joiner.getChainInfo().height).toBe(2)
    expect(joiner.getChainInfo().currentBlockHash).toEqual(next.header!.previousHash)
    const q = joiner.newQueryExecutor()
    expect(text(await q.getState('cc', 'a'))).toBe('1')
    expect(await q.getStateMetadata('cc', 'a')).toEqual(new Map([['VALIDATION_PARAMETER', utf8('p')]]))
    expect((await drain(await q.executeQuery('cc', '{"selector":{"owner":"bob"},"use_index":"_design/d"}'))).map((r) => r.key)).toEqual(['doc'])
    expect((await drain(await joiner.newHistoryQueryExecutor().getHistoryForKey('cc', 'a'))).map((m) => m.txId)).toEqual(['t1', 't0'])
    expect((await joiner.getBlockByNumber(1)).header?.number).toBe(1)
    await expect(joiner.getBlockByNumber(0)).resolves.toBeDefined() // tailBlocks: 2
    // A forged block 2 does not chain; the real one does.
    const forged = { ...next, header: { ...next.header!, previousHash: new Uint8Array(32) } }
    await expect(joiner.commit(forged, [0])).rejects.toSatisfy(code('LEDGER_BAD_PREVIOUS_HASH'))
    await joiner.commit(next, [0])
    expect(text(await joiner.newQueryExecutor().getState('cc', 'b'))).toBe('3')
    expect((await drain(await joiner.newHistoryQueryExecutor().getHistoryForKey('cc', 'b'))).map((m) => m.txId)).toEqual(['t3'])
  })

  it('rejects tampered snapshots and refuses to overwrite an existing ledger', async () => {
    const h = await harness(memoryKvStoreFactory())
    await h.commit([await h.tx('t0', put({ a: '0' }))])
    const snap = await exportSnapshot(h.ledger)
    const tampered = new TextEncoder().encode(new TextDecoder().decode(snap).replace('"height":1', '"height":2'))
    await expect(createLedgerFromSnapshot({ channelId: 'ch1', storage: memoryKvStoreFactory() }, tampered)).rejects.toSatisfy(code('LEDGER_SNAPSHOT_INVALID'))
    await expect(createLedgerFromSnapshot({ channelId: 'other', storage: memoryKvStoreFactory() }, snap)).rejects.toSatisfy(code('LEDGER_SNAPSHOT_INVALID'))
    await expect(createLedgerFromSnapshot({ channelId: 'ch1', storage: memoryKvStoreFactory() }, utf8('junk'))).rejects.toSatisfy(code('LEDGER_SNAPSHOT_INVALID'))
    await h.ledger.close()
    await expect(createLedgerFromSnapshot({ channelId: 'ch1', storage: h.factory }, snap)).rejects.toSatisfy(code('LEDGER_BAD_INPUT'))
  })
})
