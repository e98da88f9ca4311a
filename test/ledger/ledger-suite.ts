/**
 * The ledger contract suite, run over every storage backend (memory, fake-indexeddb in Node,
 * real IndexedDB in Chromium). Ports the intent of Fabric's blkstorage, kvledger, txmgr and
 * history tests. `makeFactory` returns a fresh, empty "browser profile" per call.
 */
import { describe, expect, it } from 'vitest'
import { KVRWSet, TxReadWriteSet, TxValidationCode, decode, BlockMetadataIndex } from '../../src/protos/index.js'
import type { KvStoreFactory } from '../../src/storage/kv.js'
import { KvLedger, dropDerivedDbs } from '../../src/ledger/kv-ledger.js'
import type { TxSimulator } from '../../src/ledger/api.js'
import { isWeftError } from '../../src/shared/errors.js'
import { ChainBuilder, endorserTx, text, utf8 } from './fixtures.js'

const V = TxValidationCode.VALID
const MVCC = TxValidationCode.MVCC_READ_CONFLICT
const code = (c: string) => (e: unknown) => isWeftError(e, c)

export interface Harness {
  factory: KvStoreFactory
  ledger: KvLedger
  chain: ChainBuilder
  /** Simulates a transaction against the ledger and returns its envelope. */
  tx: (txId: string, fn: (sim: TxSimulator) => void | Promise<void>) => Promise<Uint8Array>
  commit: (envelopes: Uint8Array[], codes?: number[]) => Promise<void>
  reopen: () => Promise<KvLedger>
}

export async function harness (factory: KvStoreFactory, options: { compactAfterBlocks?: number } = {}): Promise<Harness> {
  const stateDb = { compactAfterBlocks: options.compactAfterBlocks ?? 0 }
  const h: Harness = {
    factory,
    ledger: await KvLedger.open({ channelId: 'ch1', storage: factory, stateDb }),
    chain: new ChainBuilder(),
    async tx (txId, fn) {
      const sim = h.ledger.newTxSimulator(txId)
      await fn(sim)
      const rw = await sim.getTxSimulationResults()
      sim.done()
      return endorserTx(txId, rw)
    },
    async commit (envelopes, codes) {
      await h.ledger.commit(h.chain.next(envelopes), codes ?? envelopes.map(() => V))
    },
    async reopen () {
      await h.ledger.close()
      h.ledger = await KvLedger.open({ channelId: 'ch1', storage: factory, stateDb })
      return h.ledger
    }
  }
  return h
}

async function drain<T> (it: { next: () => Promise<T | undefined> }): Promise<T[]> {
  const out: T[] = []
  for (let r = await it.next(); r !== undefined; r = await it.next()) out.push(r)
  return out
}

function put (kv: Record<string, string>, ns = 'cc') {
  return (sim: TxSimulator) => { for (const [k, v] of Object.entries(kv)) sim.setState(ns, k, utf8(v)) }
}

export function ledgerSuite (backend: string, makeFactory: () => KvStoreFactory): void {
  describe(`ledger: ${backend}`, () => {
    describe('block store (Fabric blkstorage tests)', () => {
      it('indexes blocks by number, hash and txId, and reports chain info', async () => {
        const h = await harness(makeFactory())
        expect(h.ledger.getChainInfo().height).toBe(0)
        await h.commit([await h.tx('tx0', put({ a: '1' }))])
        await h.commit([await h.tx('tx1', put({ b: '2' })), await h.tx('tx2', put({ c: '3' }))], [V, MVCC])
        const info = h.ledger.getChainInfo()
        expect(info.height).toBe(2)
        const b1 = await h.ledger.getBlockByNumber(1)
        expect(b1.header?.number).toBe(1)
        expect(info.currentBlockHash).toEqual(h.chain.previousHash)
        expect(info.previousBlockHash).toEqual(b1.header?.previousHash)
        expect((await h.ledger.getBlockByHash(info.currentBlockHash)).header?.number).toBe(1)
        expect((await h.ledger.getBlockByHash(info.previousBlockHash)).header?.number).toBe(0)
        expect((await h.ledger.getBlockByTxID('tx2')).header?.number).toBe(1)
        const ptx = await h.ledger.getTransactionByID('tx2')
        expect(ptx.validationCode).toBe(MVCC)
        expect(ptx.transactionEnvelope?.payload.length).toBeGreaterThan(0)
        expect(await h.ledger.getTxValidationCodeByTxID('tx1')).toBe(V)
        expect(b1.metadata?.metadata[BlockMetadataIndex.TRANSACTIONS_FILTER]).toEqual(new Uint8Array([V, MVCC]))
        expect((await h.ledger.blockStore.getTransactionByBlockNumTxNum(1, 0)).validationCode).toBe(V)
        await expect(h.ledger.getBlockByNumber(2)).rejects.toSatisfy(code('LEDGER_NOT_FOUND'))
        await expect(h.ledger.getTransactionByID('nope')).rejects.toSatisfy(code('LEDGER_NOT_FOUND'))
        await expect(h.ledger.getBlockByHash(new Uint8Array(32))).rejects.toSatisfy(code('LEDGER_NOT_FOUND'))
      })

      it('refuses blocks that do not continue the chain, with typed errors, and changes nothing', async () => {
        const h = await harness(makeFactory())
        await h.commit([await h.tx('t0', put({ a: '1' }))])
        const good = h.chain.next([await h.tx('t1', put({ a: '2' }))])
        const wrongNumber = { ...good, header: { ...good.header!, number: 5 } }
        const wrongPrev = { ...good, header: { ...good.header!, previousHash: new Uint8Array(32) } }
        const wrongData = { ...good, data: { data: [utf8('tampered')] } }
        await expect(h.ledger.commit(wrongNumber, [V])).rejects.toSatisfy(code('LEDGER_BAD_BLOCK_NUMBER'))
        await expect(h.ledger.commit(wrongPrev, [V])).rejects.toSatisfy(code('LEDGER_BAD_PREVIOUS_HASH'))
        await expect(h.ledger.commit(wrongData, [V])).rejects.toSatisfy(code('LEDGER_BAD_DATA_HASH'))
        await expect(h.ledger.commit(good, [])).rejects.toSatisfy(code('LEDGER_BAD_VALIDATION_CODES'))
        await expect(h.ledger.commit(utf8('not a block \u00ff\u00ff'), [])).rejects.toSatisfy((e: unknown) => isWeftError(e))
        expect(h.ledger.getChainInfo().height).toBe(1)
        expect(text(await h.ledger.newQueryExecutor().getState('cc', 'a'))).toBe('1')
        await h.ledger.commit(good, [V])
        expect(text(await h.ledger.newQueryExecutor().getState('cc', 'a'))).toBe('2')
      })

      it('stores undecodable transactions marked invalid, and refuses them marked VALID', async () => {
        const h = await harness(makeFactory())
        const junk = utf8('\u0001junk')
        await expect(h.ledger.commit(h.chain.next([junk]), [V])).rejects.toSatisfy(code('LEDGER_BAD_BLOCK'))
        expect(h.ledger.getChainInfo().height).toBe(0)
        const h2 = await harness(makeFactory())
        await h2.commit([junk, await h2.tx('ok', put({ a: '1' }))], [TxValidationCode.BAD_PAYLOAD, V])
        await expect(h2.ledger.blockStore.getTransactionByBlockNumTxNum(0, 0)).rejects.toSatisfy(code('LEDGER_BAD_BLOCK'))
        expect((await h2.ledger.blockStore.getTransactionByBlockNumTxNum(0, 1)).validationCode).toBe(V)
        expect(text(await h2.ledger.newQueryExecutor().getState('cc', 'a'))).toBe('1')
      })

      it('returns the first valid occurrence of a duplicated txId', async () => {
        const h = await harness(makeFactory())
        await h.commit([await h.tx('dup', put({ a: '1' }))], [MVCC])
        await h.commit([await h.tx('dup', put({ a: '2' }))], [V])
        await h.commit([await h.tx('dup', put({ a: '3' }))], [TxValidationCode.DUPLICATE_TXID])
        expect((await h.ledger.getBlockByTxID('dup')).header?.number).toBe(1)
        expect((await h.ledger.getTransactionByID('dup')).validationCode).toBe(V)
        const h2 = await harness(makeFactory())
        await h2.commit([await h2.tx('d', put({ a: '1' })), await h2.tx('d', put({ a: '1' }))], [V, TxValidationCode.DUPLICATE_TXID])
        expect((await h2.ledger.getTransactionByID('d')).validationCode).toBe(V)
      })

      it('looks up a batch of txIds with the same answers as getTxLoc, in input order', async () => {
        const h = await harness(makeFactory())
        await h.commit([await h.tx('dup', put({ a: '1' })), await h.tx('once', put({ b: '1' }))], [MVCC, V])
        await h.commit([await h.tx('dup', put({ a: '2' }))], [V])
        const locs = await h.ledger.blockStore.getTxLocs(['missing', 'dup', 'once', 'dup'])
        expect(locs).toEqual([undefined, await h.ledger.blockStore.getTxLoc('dup'), await h.ledger.blockStore.getTxLoc('once'), await h.ledger.blockStore.getTxLoc('dup')])
        expect(locs[1]).toEqual({ blockNum: 1, txNum: 0, validationCode: V })
        expect(locs[2]).toEqual({ blockNum: 0, txNum: 1, validationCode: V })
        expect(await h.ledger.blockStore.getTxLocs([])).toEqual([])
        await expect(h.ledger.blockStore.getTxLocs(['ok', ''])).rejects.toSatisfy(code('LEDGER_BAD_INPUT'))
      })

      it('iterates a block range and waits for blocks not yet committed; abort ends the wait', async () => {
        const h = await harness(makeFactory())
        await h.commit([await h.tx('t0', put({ a: '0' }))])
        const seen: number[] = []
        const reader = (async () => {
          for await (const b of h.ledger.blocks(0, { end: 2 })) seen.push(b.header?.number ?? -1)
        })()
        await h.commit([await h.tx('t1', put({ a: '1' }))])
        await h.commit([await h.tx('t2', put({ a: '2' }))])
        await reader
        expect(seen).toEqual([0, 1, 2])
        const ac = new AbortController()
        const waiting = h.ledger.blocks(3, { signal: ac.signal }).next()
        ac.abort()
        await expect(waiting).rejects.toSatisfy(code('LEDGER_ABORTED'))
        const forever = h.ledger.blocks(3).next()
        await h.ledger.close()
        await expect(forever).rejects.toSatisfy(code('LEDGER_CLOSED'))
      })
    })

    describe('state and simulation (Fabric txmgr tests)', () => {
      it('applies only VALID transactions and reads do not see the transaction\'s own writes', async () => {
        const h = await harness(makeFactory())
        await h.commit([await h.tx('t0', put({ a: 'v0', b: 'v0' })), await h.tx('t1', put({ a: 'bad' }))], [V, MVCC])
        const sim = h.ledger.newTxSimulator('t2')
        sim.setState('cc', 'a', utf8('mine'))
        expect(text(await sim.getState('cc', 'a'))).toBe('v0')
        sim.deleteState('cc', 'b')
        expect(text(await sim.getState('cc', 'b'))).toBe('v0')
        await h.commit([endorserTx('t2', await sim.getTxSimulationResults())])
        const q = h.ledger.newQueryExecutor()
        expect(text(await q.getState('cc', 'a'))).toBe('mine')
        expect(await q.getState('cc', 'b')).toBeUndefined()
        expect((await q.getStateMultipleKeys('cc', ['a', 'b', 'zz'])).map(text)).toEqual(['mine', undefined, undefined])
      })

      it('records reads with committed versions and range query info with raw reads (phantom detection)', async () => {
        const h = await harness(makeFactory())
        await h.commit([await h.tx('t0', put({ k1: '1', k2: '2', k3: '3' }))])
        const sim = h.ledger.newTxSimulator('t1')
        await sim.getState('cc', 'k2')
        await sim.getState('cc', 'missing')
        const full = await sim.getStateRangeScanIterator('cc', 'k1', 'k9')
        expect((await drain(full)).map((r) => r.key)).toEqual(['k1', 'k2', 'k3'])
        const partial = await sim.getStateRangeScanIterator('cc', '', '')
        await partial.next()
        await partial.close()
        sim.setState('cc', 'z', utf8('1'))
        sim.setState('cc', 'a', utf8('1'))
        sim.setStateMetadata('cc', 'k1', new Map([['VALIDATION_PARAMETER', utf8('p')]]))
        const rw = decode(TxReadWriteSet, await sim.getTxSimulationResults())
        expect(rw.nsRwset.map((n) => n.namespace)).toEqual(['cc'])
        const kv = decode(KVRWSet, rw.nsRwset[0]!.rwset)
        expect(kv.reads).toEqual([{ key: 'k2', version: { blockNum: 0, txNum: 0 } }, { key: 'missing' }])
        expect(kv.writes.map((w) => w.key)).toEqual(['a', 'z'])
        expect(kv.metadataWrites.map((w) => [w.key, w.entries[0]?.name])).toEqual([['k1', 'VALIDATION_PARAMETER']])
        expect(kv.rangeQueriesInfo[0]).toMatchObject({ startKey: 'k1', endKey: 'k9', itrExhausted: true })
        expect(kv.rangeQueriesInfo[0]?.rawReads?.kvReads.map((r) => r.key)).toEqual(['k1', 'k2', 'k3'])
        // Fabric: a range read only partly records the last key read as its end, not exhausted.
        expect(kv.rangeQueriesInfo[1]).toMatchObject({ startKey: '\u0001', endKey: 'k1', itrExhausted: false })
      })

      it('gives the validator committed versions and versioned ranges (MVCC and phantom checks)', async () => {
        const h = await harness(makeFactory())
        await h.commit([await h.tx('t0', put({ a: '0', b: '0' }))])
        await h.ledger.compact()
        await h.commit([await h.tx('t1', put({ b: '1', c: '1' }))])
        const reader = h.ledger.committedState()
        expect(await reader.getVersions('cc', ['a', 'b', 'c', 'd'])).toEqual([{ blockNum: 0, txNum: 0 }, { blockNum: 1, txNum: 0 }, { blockNum: 1, txNum: 0 }, undefined])
        const ranged: Array<[string, number]> = []
        for await (const r of reader.range('cc', 'a', 'c')) ranged.push([r.key, r.version.blockNum])
        expect(ranged).toEqual([['a', 0], ['b', 1]])
      })

      it('scans in UTF-8 byte order, keeps composite keys out of simple ranges, serves partial composite keys', async () => {
        const h = await harness(makeFactory())
        const ck = (...parts: string[]) => `\u0000${parts.join('\u0000')}\u0000`
        await h.commit([await h.tx('t0', put({
          b: '1', a: '1', '\uFFFF': '1', '\u{1F600}': '1', [ck('color', 'red', 'x')]: '1', [ck('color', 'blue', 'y')]: '1', [ck('size', 'L')]: '1'
        }))])
        await h.ledger.compact()
        await h.commit([await h.tx('t1', put({ '\uE000': '1', [ck('color', 'green', 'z')]: '1' }))])
        const q = h.ledger.newQueryExecutor()
        const simple = await drain(await q.getStateRangeScanIterator('cc', '', ''))
        expect(simple.map((r) => r.key)).toEqual(['a', 'b', '\uE000', '\uFFFF', '\u{1F600}'])
        const colors = await drain(await q.getStateRangeScanIterator('cc', ck('color'), ck('color') + '\u{10FFFF}'))
        expect(colors.map((r) => r.key)).toEqual([ck('color', 'blue', 'y'), ck('color', 'green', 'z'), ck('color', 'red', 'x')])
      })

      it('paginates range scans with Fabric bookmarks (the next key; empty when done)', async () => {
        const h = await harness(makeFactory())
        const kv: Record<string, string> = {}
        for (let i = 0; i < 7; i++) kv[`k${i}`] = String(i)
        await h.commit([await h.tx('t0', put(kv))])
        const q = h.ledger.newQueryExecutor()
        const keys: string[] = []
        let bookmark = ''
        let pages = 0
        do {
          const it = await q.getStateRangeScanIteratorWithPagination('cc', bookmark === '' ? 'k0' : bookmark, 'k9', 3)
          keys.push(...(await drain(it)).map((r) => r.key))
          bookmark = await it.getBookmarkAndClose()
          pages++
        } while (bookmark !== '')
        expect(pages).toBe(3)
        expect(keys).toEqual(Object.keys(kv))
        const sim = h.ledger.newTxSimulator('t1')
        sim.setState('cc', 'x', utf8('1'))
        await expect(sim.getStateRangeScanIteratorWithPagination('cc', '', '', 2)).rejects.toSatisfy(code('LEDGER_TX_SIMULATOR'))
        const sim2 = h.ledger.newTxSimulator('t2')
        await sim2.getStateRangeScanIteratorWithPagination('cc', '', '', 2)
        expect(() => { sim2.setState('cc', 'x', utf8('1')) }).toThrow(expect.objectContaining({ code: 'LEDGER_TX_SIMULATOR' }))
      })

      it('answers Mango queries, through a real index when one is defined, equal to a scan', async () => {
        const h = await harness(makeFactory())
        const docs: Record<string, string> = {}
        for (let i = 0; i < 40; i++) docs[`asset${String(i).padStart(2, '0')}`] = JSON.stringify({ docType: 'asset', owner: `o${i % 4}`, size: i })
        docs.notjson = 'plain bytes'
        await h.commit([await h.tx('t0', put(docs))])
        const q = `{"selector":{"docType":"asset","owner":"o1","size":{"$gt":10}},"sort":[{"size":"desc"}]}`
        const scan = await drain(await h.ledger.newQueryExecutor().executeQuery('cc', q))
        expect(scan.map((r) => r.key)).toEqual(['asset37', 'asset33', 'asset29', 'asset25', 'asset21', 'asset17', 'asset13'])
        await h.ledger.defineIndexes('cc', [JSON.stringify({ index: { fields: ['docType', 'owner', 'size'] }, ddoc: 'indexOwnerDoc', name: 'indexOwner', type: 'json' })])
        // Half compacted (indexed in storage), half in the memtable: both must be found.
        await h.commit([await h.tx('t1', put({ asset41: JSON.stringify({ docType: 'asset', owner: 'o1', size: 41 }), asset13: JSON.stringify({ docType: 'asset', owner: 'o2', size: 13 }) }))])
        const q2 = q.replace('}]}', '}],"use_index":["_design/indexOwnerDoc","indexOwner"]}')
        const indexed = await drain(await h.ledger.newQueryExecutor().executeQuery('cc', q2))
        expect(indexed.map((r) => r.key)).toEqual(['asset41', 'asset37', 'asset33', 'asset29', 'asset25', 'asset21', 'asset17'])
        expect(JSON.parse(text(indexed[0]!.value)!)).toEqual({ docType: 'asset', owner: 'o1', size: 41 })
        const keys: string[] = []
        let bookmark = ''
        do {
          const it = await h.ledger.newQueryExecutor().executeQueryWithPagination('cc', q2, bookmark, 3)
          keys.push(...(await drain(it)).map((r) => r.key))
          bookmark = await it.getBookmarkAndClose()
        } while (bookmark !== '' && keys.length < 100)
        expect(keys).toEqual(indexed.map((r) => r.key))
        await expect(h.ledger.newQueryExecutor().executeQuery('cc', '{"selector":{"size":{"$bogus":1}}}')).rejects.toSatisfy((e: unknown) => isWeftError(e))
        // The index survives a reopen.
        await h.ledger.compact()
        await h.reopen()
        expect((await drain(await h.ledger.newQueryExecutor().executeQuery('cc', q2))).length).toBe(7)
      })
    })

    describe('history (Fabric history tests)', () => {
      it('lists committed modifications newest first and never those of invalid transactions', async () => {
        const h = await harness(makeFactory())
        await h.commit([await h.tx('t0', put({ k: 'v0' }))])
        await h.commit([await h.tx('t1', put({ k: 'v1' })), await h.tx('t2', put({ k: 'invalid' }))], [V, MVCC])
        await h.ledger.compact() // blocks 0-1 from indexed records, block 2 from memory
        await h.commit([await h.tx('t3', (s) => { s.deleteState('cc', 'k') }), await h.tx('t4', put({ k: 'v4' }))])
        const expected = [['t4', 'v4', false], ['t3', '', true], ['t1', 'v1', false], ['t0', 'v0', false]]
        const mods = await drain(await h.ledger.newHistoryQueryExecutor().getHistoryForKey('cc', 'k'))
        expect(mods.map((m) => [m.txId, text(m.value), m.isDelete])).toEqual(expected)
        await h.reopen()
        const again = await drain(await h.ledger.newHistoryQueryExecutor().getHistoryForKey('cc', 'k'))
        expect(again.map((m) => [m.txId, text(m.value), m.isDelete])).toEqual(expected)
        await h.ledger.compact()
        const compacted = await drain(await h.ledger.newHistoryQueryExecutor().getHistoryForKey('cc', 'k'))
        expect(compacted.map((m) => [m.txId, text(m.value), m.isDelete])).toEqual(expected)
        expect(mods[0]?.timestamp).toEqual({ seconds: 1_700_000_000, nanos: 5 })
        expect(await drain(await h.ledger.newHistoryQueryExecutor().getHistoryForKey('cc', 'none'))).toEqual([])
      })
    })

    describe('commit atomicity, crash and recovery (Fabric kvledger recovery tests)', () => {
      it('a crash at any point of the commit leaves the previous block fully committed and nothing of the next', async () => {
        const factory = makeFactory()
        const h = await harness(factory)
        await h.commit([await h.tx('t0', put({ a: '0', b: '0' }))])
        const block = h.chain.next([await h.tx('t1', put({ a: '1', c: '1' })), await h.tx('t2', put({ b: '2' }))])
        let opsInCommit = 0
        h.ledger.kvStore.setWriteFault((i, ops) => { opsInCommit = ops.length; throw new Error('probe') })
        await expect(h.ledger.commit(block, [V, V])).rejects.toSatisfy(code('LEDGER_STORAGE_FAILED'))
        expect(opsInCommit).toBeGreaterThanOrEqual(4)
        for (let at = 0; at <= opsInCommit; at++) {
          h.ledger.kvStore.setWriteFault((i) => { if (i === at) throw new Error(`crash at op ${at}`) })
          await expect(h.ledger.commit(block, [V, V])).rejects.toSatisfy(code('LEDGER_STORAGE_FAILED'))
          h.ledger.kvStore.setWriteFault(undefined)
          // Both the live ledger and a reopened one (a reload after the crash) show block 0 only.
          for (const reload of [false, true]) {
            const l = reload ? await h.reopen() : h.ledger
            expect(l.getChainInfo().height).toBe(1)
            const q = l.newQueryExecutor()
            expect((await q.getStateMultipleKeys('cc', ['a', 'b', 'c'])).map(text)).toEqual(['0', '0', undefined])
            await expect(l.getTransactionByID('t1')).rejects.toSatisfy(code('LEDGER_NOT_FOUND'))
            expect(await drain(await l.newHistoryQueryExecutor().getHistoryForKey('cc', 'c'))).toEqual([])
          }
        }
        await h.ledger.commit(block, [V, V])
        expect((await h.ledger.newQueryExecutor().getStateMultipleKeys('cc', ['a', 'b', 'c'])).map(text)).toEqual(['1', '2', '1'])
      })

      it('a full disk gives LEDGER_QUOTA_EXCEEDED, keeps the ledger readable, and commit resumes when space returns', async () => {
        const h = await harness(makeFactory())
        await h.commit([await h.tx('t0', put({ a: '0' }))])
        const block = h.chain.next([await h.tx('t1', put({ a: '1' }))])
        h.ledger.kvStore.setWriteFault(() => { throw new DOMException('quota', 'QuotaExceededError') })
        await expect(h.ledger.commit(block, [V])).rejects.toSatisfy(code('LEDGER_QUOTA_EXCEEDED'))
        expect(h.ledger.getChainInfo().height).toBe(1)
        expect(text(await h.ledger.newQueryExecutor().getState('cc', 'a'))).toBe('0')
        h.ledger.kvStore.setWriteFault(undefined)
        await h.ledger.commit(block, [V])
        expect(text(await h.ledger.newQueryExecutor().getState('cc', 'a'))).toBe('1')
      })

      it('compacts in the background after enough blocks, without changing what reads see', async () => {
        const h = await harness(makeFactory(), { compactAfterBlocks: 2 })
        for (let b = 0; b < 5; b++) await h.commit([await h.tx(`t${b}`, put({ [`k${b}`]: String(b), last: String(b) }))])
        for (let i = 0; i < 50 && h.ledger.state.blocksInMemtable >= 2; i++) await new Promise((resolve) => setTimeout(resolve, 10))
        expect(h.ledger.state.blocksInMemtable).toBeLessThan(2)
        expect(h.ledger.lastCompactionError).toBeUndefined()
        const q = h.ledger.newQueryExecutor()
        expect((await q.getStateMultipleKeys('cc', ['k0', 'k4', 'last'])).map(text)).toEqual(['0', '4', '4'])
      })

      it('a crash during compaction loses nothing', async () => {
        const h = await harness(makeFactory())
        await h.commit([await h.tx('t0', put({ a: '0', b: '0' }))])
        await h.commit([await h.tx('t1', (s) => { s.deleteState('cc', 'a'); s.setState('cc', 'c', utf8('1')) })])
        h.ledger.kvStore.setWriteFault((i) => { if (i === 1) throw new Error('crash in compaction') })
        await expect(h.ledger.compact()).rejects.toSatisfy(code('LEDGER_STORAGE_FAILED'))
        h.ledger.kvStore.setWriteFault(undefined)
        for (const reload of [false, true]) {
          const l = reload ? await h.reopen() : h.ledger
          expect((await l.newQueryExecutor().getStateMultipleKeys('cc', ['a', 'b', 'c'])).map(text)).toEqual([undefined, '0', '1'])
        }
        await h.ledger.compact()
        await h.reopen()
        expect((await drain(await h.ledger.newQueryExecutor().getStateRangeScanIterator('cc', '', ''))).map((r) => r.key)).toEqual(['b', 'c'])
      })

      it('persists across reopen and rebuilds state and history from the block store', async () => {
        const factory = makeFactory()
        const h = await harness(factory)
        await h.commit([await h.tx('t0', put({ a: '0', b: '0' }))])
        await h.commit([await h.tx('t1', put({ a: '1' })), await h.tx('t2', put({ b: 'x' }))], [V, MVCC])
        await h.ledger.compact()
        await h.commit([await h.tx('t3', put({ c: '3' }))])
        await h.ledger.close()
        await dropDerivedDbs(factory, 'ch1')
        const l = await h.reopen()
        expect(l.getChainInfo().height).toBe(3)
        expect((await l.newQueryExecutor().getStateMultipleKeys('cc', ['a', 'b', 'c'])).map(text)).toEqual(['1', '0', '3'])
        expect((await drain(await l.newHistoryQueryExecutor().getHistoryForKey('cc', 'a'))).map((m) => m.txId)).toEqual(['t1', 't0'])
        await h.commit([await h.tx('t4', put({ d: '4' }))])
        expect(l.getChainInfo().height).toBe(4)
      })
    })
  })
}
