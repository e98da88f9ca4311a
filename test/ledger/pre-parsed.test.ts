/**
 * The committer hands the ledger its own decoding of a block (CommitOptions.preParsed) and says
 * the data hash was checked (dataHashVerified): the ledger must then store exactly what it
 * stores when it decodes and hashes the block itself.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KvLedger, extractUpdates, type PreParsedTx } from '../../src/ledger/index.js'
import { parseTx } from '../../src/ledger/blockstore/tx-parser.js'
import { KVRWSet, TxReadWriteSet, TxValidationCode, encode, type Block } from '../../src/protos/index.js'
import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import { isWeftError } from '../../src/shared/errors.js'
import { ChainBuilder, endorserTx, text, utf8 } from './fixtures.js'

interface TxSpec { writes: Array<{ ns: string, key: string, value: string, del: boolean }>, meta: Array<{ ns: string, key: string }>, valid: boolean }

const txSpec = fc.record({
  writes: fc.array(fc.record({ ns: fc.constantFrom('a', 'b'), key: fc.constantFrom('k1', 'k2', 'k3'), value: fc.string({ maxLength: 4 }), del: fc.boolean() }), { maxLength: 4 }),
  meta: fc.array(fc.record({ ns: fc.constantFrom('a', 'b'), key: fc.constantFrom('k1', 'k2', 'k4') }), { maxLength: 2 }),
  valid: fc.boolean()
})

function envelope (txId: string, spec: TxSpec): Uint8Array {
  const nsRwset = ['a', 'b'].map((ns) => ({
    namespace: ns,
    rwset: encode(KVRWSet, {
      reads: [],
      rangeQueriesInfo: [],
      writes: spec.writes.filter((w) => w.ns === ns).map((w) => ({ key: w.key, value: utf8(w.value), isDelete: w.del })),
      metadataWrites: spec.meta.filter((m) => m.ns === ns).map((m) => ({ key: m.key, entries: [{ name: 'VALIDATION_PARAMETER', value: utf8(txId) }] }))
    }),
    collectionHashedRwset: []
  }))
  return endorserTx(txId, encode(TxReadWriteSet, { dataModel: TxReadWriteSet.DataModel.KV, nsRwset }))
}

/** What the committer passes: the txId of every transaction, the rwsets of VALID ones. */
function committerParse (block: Block, codes: number[]): PreParsedTx[] {
  return (block.data?.data ?? []).map((env, i) => {
    const p = parseTx(env, true)
    return codes[i] === TxValidationCode.VALID ? { txId: p?.txId ?? '', ...(p?.rwsets === undefined ? {} : { rwsets: p.rwsets }) } : { txId: p?.txId ?? '' }
  })
}

describe('ledger commit with the committer\'s pre-parsed transactions', () => {
  it('extractUpdates gives the same updates with and without preParsed (property)', () => {
    fc.assert(fc.property(fc.array(txSpec, { minLength: 1, maxLength: 8 }), (specs) => {
      const block = new ChainBuilder().next(specs.map((s, i) => envelope(`tx${i}`, s)))
      const codes = specs.map((s) => s.valid ? TxValidationCode.VALID : TxValidationCode.MVCC_READ_CONFLICT)
      expect(extractUpdates(block, codes, committerParse(block, codes))).toEqual(extractUpdates(block, codes))
    }), { numRuns: 200 })
  })

  it('a ledger committing with preParsed + dataHashVerified ends in the same state, history and blocks', async () => {
    const specs = fc.sample(fc.array(txSpec, { minLength: 3, maxLength: 6 }), { numRuns: 4, seed: 7 })
    const plain = await KvLedger.open({ channelId: 'ch1', storage: memoryKvStoreFactory() })
    const hinted = await KvLedger.open({ channelId: 'ch1', storage: memoryKvStoreFactory() })
    const chain = new ChainBuilder()
    for (const [b, blockSpecs] of specs.entries()) {
      const block = chain.next(blockSpecs.map((s, i) => envelope(`b${b}t${i}`, s)))
      const codes = blockSpecs.map((s) => s.valid ? TxValidationCode.VALID : TxValidationCode.MVCC_READ_CONFLICT)
      await plain.commit(block, codes)
      await hinted.commit(block, codes, { dataHashVerified: true, preParsed: committerParse(block, codes) })
    }
    for (const ns of ['a', 'b']) {
      for (const key of ['k1', 'k2', 'k3', 'k4']) {
        const [p, h] = await Promise.all([plain.state.get(ns, key), hinted.state.get(ns, key)])
        expect(h?.version).toEqual(p?.version)
        expect(text(h?.value)).toEqual(text(p?.value))
        expect(hinted.state.getMetadata(ns, key)).toEqual(plain.state.getMetadata(ns, key))
      }
    }
    expect(hinted.getChainInfo()).toEqual(plain.getChainInfo())
    for (let n = 0; n < specs.length; n++) expect(await hinted.blockStore.getBlockByNumber(n)).toEqual(await plain.blockStore.getBlockByNumber(n))
  })

  it('rejects preParsed of the wrong length with LEDGER_BAD_INPUT and commits nothing', async () => {
    const ledger = await KvLedger.open({ channelId: 'ch1', storage: memoryKvStoreFactory() })
    const block = new ChainBuilder().next([envelope('t0', { writes: [{ ns: 'a', key: 'k1', value: 'v', del: false }], meta: [], valid: true })])
    await expect(ledger.commit(block, [0], { preParsed: [] })).rejects.toSatisfy((e: unknown) => isWeftError(e, 'LEDGER_BAD_INPUT'))
    expect(ledger.getChainInfo().height).toBe(0)
  })

  it('a VALID transaction without a pre-parsed entry is LEDGER_BAD_BLOCK', async () => {
    const ledger = await KvLedger.open({ channelId: 'ch1', storage: memoryKvStoreFactory() })
    const block = new ChainBuilder().next([envelope('t0', { writes: [], meta: [], valid: true })])
    await expect(ledger.commit(block, [0], { preParsed: [undefined] })).rejects.toSatisfy((e: unknown) => isWeftError(e, 'LEDGER_BAD_BLOCK'))
  })

  it('still checks the data hash unless told it was verified', async () => {
    const ledger = await KvLedger.open({ channelId: 'ch1', storage: memoryKvStoreFactory() })
    const block = new ChainBuilder().next([envelope('t0', { writes: [], meta: [], valid: true })])
    const tampered: Block = { ...block, header: { ...(block.header as NonNullable<Block['header']>), dataHash: new Uint8Array(32) } }
    await expect(ledger.commit(tampered, [0])).rejects.toSatisfy((e: unknown) => isWeftError(e, 'LEDGER_BAD_DATA_HASH'))
  })
})
