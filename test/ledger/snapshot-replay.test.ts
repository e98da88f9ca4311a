/**
 * Replay protection across a snapshot, end to end: real signed transactions through the real
 * validator and committer. A transaction committed before the snapshot and resent in a block to a
 * peer bootstrapped from it is DUPLICATE_TXID and its writes do not apply — the mission's "copying
 * and resending a past transaction must fail". The /1 control shows the test can fail: without
 * the txId list the same replay is VALID.
 */
import 'fake-indexeddb/auto'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { beforeAll, describe, expect, it } from 'vitest'
import { Committer, ledgerCommittedState } from '../../src/committer/index.js'
import { sha256 } from '../../src/crypto/sha256.js'
import { KvLedger, createLedgerFromSnapshot, exportSnapshot } from '../../src/ledger/index.js'
import type { SigningIdentity } from '../../src/msp/index.js'
import { AclProvider, ChannelPolicies, MspManager, SignaturePolicyEvaluator, policyFromString, type Policy } from '../../src/policy/index.js'
import { Qscc } from '../../src/chaincode/system/qscc.js'
import { TxValidationCode as C, blockHeaderHash, type Block } from '../../src/protos/index.js'
import { isWeftError } from '../../src/shared/errors.js'
import { idbKvStoreFactory } from '../../src/storage/idb.js'
import type { KvStoreFactory } from '../../src/storage/kv.js'
import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import { TestOrg } from '../../src/testing/org.js'
import { BlockValidator } from '../../src/validator/index.js'
import { makeBlock, makeTx, type RwSpec } from '../validator/fixtures.js'

let o1peer: SigningIdentity, o2peer: SigningIdentity, client: SigningIdentity
let msps: MspManager
let policy: Policy

beforeAll(async () => {
  const [org1, org2] = await Promise.all([TestOrg.create('Org1MSP'), TestOrg.create('Org2MSP')])
  ;[o1peer, o2peer, client] = await Promise.all([org1.enroll('p1', { role: 'peer' }), org2.enroll('p2', { role: 'peer' }), org1.enroll('c1')])
  msps = new MspManager([org1.msp, org2.msp])
  policy = new SignaturePolicyEvaluator(policyFromString("AND('Org1MSP.peer', 'Org2MSP.peer')"), msps)
})

const w = (key: string, value: string): NonNullable<RwSpec['kv']['writes']> => [{ key, isDelete: false, value: new TextEncoder().encode(value) }]
const read = async (ledger: KvLedger, key: string): Promise<string | undefined> => {
  const v = await ledger.state.get('cc', key)
  return v === undefined ? undefined : new TextDecoder().decode(v.value)
}
function committerFor (ledger: KvLedger): Committer {
  return new Committer(ledger, new BlockValidator({ channelId: 'ch', msps, state: ledgerCommittedState(ledger), policyFor: async (ns) => ns === 'cc' ? policy : undefined }))
}
const next = (prev: Block, envelopes: Uint8Array[]): Block => makeBlock((prev.header?.number ?? 0) + 1, envelopes, blockHeaderHash(prev.header as NonNullable<Block['header']>))
const tx = async (key: string, value: string): Promise<{ txId: string, envelope: Uint8Array }> =>
  await makeTx({ creator: client, endorsers: [o1peer, o2peer], rwsets: [{ namespace: 'cc', kv: { writes: w(key, value) } }] })

/** The same snapshot in the old format (no txIds), honestly rehashed. */
function asV1 (snap: Uint8Array): Uint8Array {
  const outer = JSON.parse(new TextDecoder().decode(snap)) as { format: string, hash: string, body: { txIds?: string[] } }
  outer.format = 'weft-ledger-snapshot/1'
  delete outer.body.txIds
  outer.hash = Array.from(sha256(new TextEncoder().encode(JSON.stringify(outer.body))), (x) => x.toString(16).padStart(2, '0')).join('')
  return new TextEncoder().encode(JSON.stringify(outer))
}

const backends: Array<[string, () => KvStoreFactory]> = [
  ['memory', () => memoryKvStoreFactory()],
  ['fake-indexeddb', () => idbKvStoreFactory({ indexedDB: new IDBFactory(), keyRange: IDBKeyRange })]
]

for (const [backend, makeFactory] of backends) {
  describe(`replay of a pre-snapshot transaction on a bootstrapped peer: ${backend}`, () => {
    it('is DUPLICATE_TXID through the real validator and committer, and its writes do not apply', async () => {
      // Source peer: b0 A (k = A), b1 B (k = B), b2 C (tail). Pre-tail txIds: A, B.
      const source = await KvLedger.open({ channelId: 'ch', storage: makeFactory() })
      const sourceCommitter = committerFor(source)
      const [a, b, c, d] = await Promise.all([tx('k', 'A'), tx('k', 'B'), tx('other', 'C'), tx('z', 'D')])
      const b0 = makeBlock(0, [a.envelope])
      const b1 = next(b0, [b.envelope])
      const b2 = next(b1, [c.envelope])
      for (const block of [b0, b1, b2]) expect((await sourceCommitter.commitBlock(block)).txs.map((t) => t.code)).toEqual([C.VALID])
      const snap = await exportSnapshot(source, { tailBlocks: 1 })

      const joiner = await createLedgerFromSnapshot({ channelId: 'ch', storage: makeFactory() }, snap)
      const committed = await committerFor(joiner).commitBlock(next(b2, [a.envelope, d.envelope, c.envelope, b.envelope]))
      expect(committed.txs.map((t) => t.code)).toEqual([C.DUPLICATE_TXID, C.VALID, C.DUPLICATE_TXID, C.DUPLICATE_TXID])
      expect(await read(joiner, 'k')).toBe('B')
      expect((await joiner.state.get('cc', 'k'))?.version).toEqual({ blockNum: 1, txNum: 0 })
      expect(await read(joiner, 'z')).toBe('D')
      // The replayed copy is indexed as an invalid duplicate; the txId still has no location.
      await expect(joiner.getTxValidationCodeByTxID(a.txId)).rejects.toSatisfy((e: unknown) => isWeftError(e, 'LEDGER_BEFORE_SNAPSHOT'))
      expect(await joiner.getTxValidationCodeByTxID(c.txId)).toBe(C.VALID)
      // qscc GetTransactionByID answers with Fabric's reason, as a failed response.
      const qscc = new Qscc(joiner, new AclProvider(new ChannelPolicies({ msps })))
      const data = new TextEncoder().encode('signed proposal bytes')
      const signedData = { identity: client.serialize(), data, signature: await client.sign(data) }
      const ctx = { txId: 'q', channelId: 'ch', creator: client.serialize(), timestamp: { seconds: 1, nanos: 0 }, simulator: joiner.newTxSimulator('q'), proposal: { txId: 'q', channelId: 'ch', creator: client.serialize(), creatorIdentity: client.identity, timestamp: { seconds: 1, nanos: 0 }, signedData } }
      const asked = await qscc.invoke(ctx, ['GetTransactionByID', 'ch', a.txId].map((x) => new TextEncoder().encode(x)))
      expect(asked.status).toBe(500)
      expect(asked.message).toBe(`failed to execute GetTransactionByID: details for txId ${a.txId} not available: the ledger was bootstrapped from a snapshot, first available block 2`)
      expect((await qscc.invoke(ctx, ['GetTransactionByID', 'ch', c.txId].map((x) => new TextEncoder().encode(x)))).status).toBe(200)

      // Control: the old format carries no txIds, so the same replay commits (the old hole).
      const old = await createLedgerFromSnapshot({ channelId: 'ch', storage: makeFactory() }, asV1(snap))
      const replayed = await committerFor(old).commitBlock(next(b2, [a.envelope]))
      expect(replayed.txs.map((t) => t.code)).toEqual([C.VALID])
      expect(await read(old, 'k')).toBe('A')
      await Promise.all([source.close(), joiner.close(), old.close()])
    })
  })
}
