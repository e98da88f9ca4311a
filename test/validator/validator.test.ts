import { beforeAll, describe, expect, it } from 'vitest'
import { MspManager, SignaturePolicyEvaluator, policyFromString } from '../../src/policy/index.js'
import type { Policy } from '../../src/policy/index.js'
import type { SigningIdentity } from '../../src/msp/index.js'
import { Envelope, Payload, SignaturePolicyEnvelope, type ProposalResponse, TxValidationCode as C, decode, encode, txValidationCodeName } from '../../src/protos/index.js'
import { BlockValidator, ValidatorError } from '../../src/validator/index.js'
import { TestOrg } from '../../src/testing/org.js'
import { MapState, makeBlock, makeTx, rwsetBytes } from './fixtures.js'
import { createProposal, createProposalResponse, createSignedTransaction } from '../../src/endorser/protoutil.js'
import type { RwSpec, TxSpec } from './fixtures.js'

let o1peer: SigningIdentity, o2peer: SigningIdentity, o1client: SigningIdentity, o2client: SigningIdentity, o3peer: SigningIdentity
let msps: MspManager
let ccPolicy: Policy

beforeAll(async () => {
  const [org1, org2, org3] = await Promise.all([TestOrg.create('Org1MSP'), TestOrg.create('Org2MSP'), TestOrg.create('Org3MSP')])
  ;[o1peer, o2peer, o1client, o2client, o3peer] = await Promise.all([
    org1.enroll('p1', { role: 'peer' }), org2.enroll('p2', { role: 'peer' }), org1.enroll('c1'), org2.enroll('c2'), org3.enroll('p3', { role: 'peer' })
  ])
  msps = new MspManager([org1.msp, org2.msp])
  ccPolicy = new SignaturePolicyEvaluator(policyFromString("AND('Org1MSP.peer', 'Org2MSP.peer')"), msps)
})

const v = (blockNum: number, txNum: number): { blockNum: number, txNum: number } => ({ blockNum, txNum })
const w = (key: string, value = 'x'): { key: string, isDelete: boolean, value: Uint8Array } => ({ key, isDelete: false, value: new TextEncoder().encode(value) })

function validator (state = new MapState()): BlockValidator {
  return new BlockValidator({ channelId: 'ch', msps, state, policyFor: async (ns) => ns === 'cc' || ns === 'cc2' ? ccPolicy : undefined })
}
async function tx (rwsets: RwSpec[], extra: Partial<TxSpec> = {}): Promise<Uint8Array> {
  return (await makeTx({ creator: o1client, endorsers: [o1peer, o2peer], rwsets, ...extra })).envelope
}
/** The codes of `validate`, checked equal to the committer's two-stage path (finish(prepare(block))). */
async function codes (envelopes: Uint8Array[], state = new MapState()): Promise<string[]> {
  const block = makeBlock(1, envelopes)
  const names = (results: Array<{ code: C }>): string[] => results.map((r) => txValidationCodeName(r.code) as string)
  const direct = names(await validator(state).validate(block))
  const staged = validator(state)
  expect(names(await staged.finish(await staged.prepare(block)))).toEqual(direct)
  return direct
}

describe('BlockValidator: per-transaction checks', () => {
  it('accepts a well-formed, endorsed transaction', async () => {
    expect(await codes([await tx([{ namespace: 'cc', kv: { writes: [w('a')] } }])])).toEqual(['VALID'])
  })

  it('structural failures get Fabric\'s codes', async () => {
    const good = await tx([{ namespace: 'cc', kv: { writes: [w('a')] } }])
    const env = decode(Envelope, good)
    const payload = decode(Payload, env.payload)
    if (payload.header === undefined) throw new Error('fixture transaction has no header')
    const noHeader = encode(Envelope, { payload: encode(Payload, { data: payload.data }), signature: env.signature })
    const badChannelHeader = encode(Envelope, { payload: encode(Payload, { header: { channelHeader: new Uint8Array([0xff]), signatureHeader: payload.header.signatureHeader }, data: payload.data }), signature: env.signature })
    expect(await codes([new Uint8Array(0), new Uint8Array([0xff, 0xff]), encode(Envelope, { payload: new Uint8Array([0xff]), signature: env.signature }), noHeader, badChannelHeader]))
      .toEqual(['NIL_ENVELOPE', 'INVALID_OTHER_REASON', 'BAD_PAYLOAD', 'BAD_COMMON_HEADER', 'BAD_CHANNEL_HEADER'])
  })

  it('BAD_CREATOR_SIGNATURE: signature over other bytes, or a creator outside the channel', async () => {
    const good = decode(Envelope, await tx([{ namespace: 'cc', kv: { writes: [w('a')] } }]))
    const forged = encode(Envelope, { payload: good.payload, signature: await o1client.sign(new Uint8Array([1, 2, 3])) })
    const outsider = await tx([{ namespace: 'cc', kv: { writes: [w('b')] } }], { creator: o3peer })
    expect(await codes([forged, outsider])).toEqual(['BAD_CREATOR_SIGNATURE', 'BAD_CREATOR_SIGNATURE'])
  })

  it('TARGET_CHAIN_NOT_FOUND for another channel; BAD_RESPONSE_PAYLOAD for a failed response', async () => {
    expect(await codes([
      await tx([{ namespace: 'cc', kv: { writes: [w('a')] } }], { channelId: 'other' }),
      await tx([{ namespace: 'cc', kv: { writes: [w('b')] } }], { status: 500 })
    ])).toEqual(['TARGET_CHAIN_NOT_FOUND', 'BAD_RESPONSE_PAYLOAD'])
  })

  it('DUPLICATE_TXID against the ledger and earlier in the same block', async () => {
    const nonce = new Uint8Array(24).fill(7)
    const a = await tx([{ namespace: 'cc', kv: { writes: [w('a')] } }], { nonce })
    const b = await tx([{ namespace: 'cc', kv: { writes: [w('b')] } }], { nonce })
    expect(await codes([a, b])).toEqual(['VALID', 'DUPLICATE_TXID'])
    const onLedger = await makeTx({ creator: o1client, endorsers: [o1peer, o2peer], rwsets: [{ namespace: 'cc', kv: { writes: [w('c')] } }] })
    const state = new MapState()
    state.txIds.add(onLedger.txId)
    expect(await codes([onLedger.envelope], state)).toEqual(['DUPLICATE_TXID'])
  })

  it('asks a batching state for every txId of a block in one txIdsExist call, with the same verdicts', async () => {
    const nonce = new Uint8Array(24).fill(9)
    const a = await tx([{ namespace: 'cc', kv: { writes: [w('a')] } }], { nonce })
    const b = await tx([{ namespace: 'cc', kv: { writes: [w('b')] } }], { nonce })
    const onLedger = await makeTx({ creator: o1client, endorsers: [o1peer, o2peer], rwsets: [{ namespace: 'cc', kv: { writes: [w('c')] } }] })
    const fresh = await tx([{ namespace: 'cc', kv: { writes: [w('d')] } }])
    const calls: string[][] = []
    const state = new (class extends MapState {
      override async txIdsExist (txIds: readonly string[]): Promise<boolean[]> {
        calls.push([...txIds])
        return txIds.map((t) => this.txIds.has(t))
      }
    })()
    state.txIds.add(onLedger.txId)
    expect(await codes([a, onLedger.envelope, b, fresh], state)).toEqual(['VALID', 'DUPLICATE_TXID', 'DUPLICATE_TXID', 'VALID'])
    // `codes` validates twice (validate, then prepare + finish): one call each.
    expect(calls).toHaveLength(2)
    for (const call of calls) {
      expect(call).toHaveLength(3) // a and b share a txId: asked once
      expect(call).toContain(onLedger.txId)
    }
  })

  it('a failing batched txId lookup fails the block rather than passing its transactions', async () => {
    const state = new (class extends MapState {
      override async txIdsExist (): Promise<boolean[]> { throw new Error('storage down') }
    })()
    await expect(codes([await tx([{ namespace: 'cc', kv: { writes: [w('a')] } }])], state)).rejects.toThrow('storage down')
  })

  it('ENDORSEMENT_POLICY_FAILURE: too few orgs, wrong role, endorser of another channel, forged endorsement', async () => {
    const one = await tx([{ namespace: 'cc', kv: { writes: [w('a')] } }], { endorsers: [o1peer] })
    const role = await tx([{ namespace: 'cc', kv: { writes: [w('b')] } }], { endorsers: [o1peer, o2client] })
    const foreign = await tx([{ namespace: 'cc', kv: { writes: [w('c')] } }], { endorsers: [o1peer, o3peer] })
    const twice = await tx([{ namespace: 'cc', kv: { writes: [w('d')] } }], { endorsers: [o1peer, o1peer] })
    expect(await codes([one, role, foreign, twice])).toEqual(Array(4).fill('ENDORSEMENT_POLICY_FAILURE'))
  })

  it('an endorsement over other bytes does not count', async () => {
    const { proposal } = createProposal({ channelId: 'ch', chaincodeName: 'cc', args: ['fn'], creator: o1client })
    const response = { status: 200, message: '', payload: new Uint8Array(0) }
    const endorse = async (endorser: SigningIdentity, value: string): Promise<ProposalResponse> =>
      await createProposalResponse({ proposal, chaincodeName: 'cc', chaincodeVersion: '1', response, results: rwsetBytes([{ namespace: 'cc', kv: { writes: [w('a', value)] } }]), endorser })
    const [a1, a2, b2] = await Promise.all([endorse(o1peer, 'v'), endorse(o2peer, 'v'), endorse(o2peer, 'other')])
    const forged = await createSignedTransaction(proposal, o1client, [a1, { ...a2, endorsement: b2.endorsement }])
    const honest = await createSignedTransaction(proposal, o1client, [a1, a2])
    expect(await codes([forged])).toEqual(['ENDORSEMENT_POLICY_FAILURE'])
    expect(await codes([honest])).toEqual(['VALID'])
  })

  it('INVALID_CHAINCODE for an undefined namespace; ILLEGAL_WRITESET for system namespaces', async () => {
    expect(await codes([
      await tx([{ namespace: 'nope', kv: { writes: [w('a')] } }]),
      await tx([{ namespace: 'qscc', kv: { writes: [w('a')] } }]),
      await tx([], { chaincode: 'nope' })
    ])).toEqual(['INVALID_CHAINCODE', 'ILLEGAL_WRITESET', 'INVALID_CHAINCODE'])
  })

  it('key-level endorsement: a VALIDATION_PARAMETER replaces the chaincode policy for its key', async () => {
    const org1Only = encode(SignaturePolicyEnvelope, policyFromString("OR('Org1MSP.peer')"))
    const state = new MapState().put('cc', 'k', v(0, 0), new Map([['VALIDATION_PARAMETER', org1Only]]))
    expect(await codes([
      await tx([{ namespace: 'cc', kv: { writes: [w('k')] } }], { endorsers: [o1peer] }), // key policy only: enough
      await tx([{ namespace: 'cc', kv: { writes: [w('k'), w('plain')] } }], { endorsers: [o1peer] }), // plain key needs the cc policy
      await tx([{ namespace: 'cc', kv: { writes: [w('k')] } }], { endorsers: [o2peer] })
    ], state)).toEqual(['VALID', 'ENDORSEMENT_POLICY_FAILURE', 'ENDORSEMENT_POLICY_FAILURE'])
  })

  it('a key whose validation parameter changed earlier in the block cannot be written again', async () => {
    const vp = encode(SignaturePolicyEnvelope, policyFromString("OR('Org1MSP.peer')"))
    expect(await codes([
      await tx([{ namespace: 'cc', kv: { metadataWrites: [{ key: 'k', entries: [{ name: 'VALIDATION_PARAMETER', value: vp }] }] } }]),
      await tx([{ namespace: 'cc', kv: { writes: [w('k')] } }])
    ])).toEqual(['VALID', 'ENDORSEMENT_POLICY_FAILURE'])
  })

  it('rejects a tampered block (data hash mismatch) without validating it', async () => {
    const block = makeBlock(1, [await tx([{ namespace: 'cc', kv: { writes: [w('a')] } }])])
    ;(block.data as { data: Uint8Array[] }).data = [await tx([{ namespace: 'cc', kv: { writes: [w('b')] } }])]
    await expect(validator().validate(block)).rejects.toBeInstanceOf(ValidatorError)
  })
})

describe('BlockValidator: MVCC and phantom reads', () => {
  const state = (): MapState => new MapState().put('cc', 'a', v(0, 0)).put('cc', 'b', v(0, 1)).put('cc', 'c', v(0, 2))

  it('reads must match committed versions (absent key: no version)', async () => {
    expect(await codes([
      await tx([{ namespace: 'cc', kv: { reads: [{ key: 'a', version: v(0, 0) }], writes: [w('x')] } }]),
      await tx([{ namespace: 'cc', kv: { reads: [{ key: 'b', version: v(0, 0) }], writes: [w('y')] } }]),
      await tx([{ namespace: 'cc', kv: { reads: [{ key: 'zz' }], writes: [w('z')] } }]),
      await tx([{ namespace: 'cc', kv: { reads: [{ key: 'zz', version: v(0, 0) }], writes: [w('z2')] } }])
    ], state())).toEqual(['VALID', 'MVCC_READ_CONFLICT', 'VALID', 'MVCC_READ_CONFLICT'])
  })

  it('same-block conflicts: a read of a key written or deleted by an earlier valid tx', async () => {
    expect(await codes([
      await tx([{ namespace: 'cc', kv: { reads: [{ key: 'a', version: v(0, 0) }], writes: [w('a', 'new')] } }]),
      await tx([{ namespace: 'cc', kv: { reads: [{ key: 'a', version: v(0, 0) }], writes: [w('q')] } }]),
      await tx([{ namespace: 'cc', kv: { writes: [{ key: 'b', isDelete: true, value: new Uint8Array(0) }] } }]),
      await tx([{ namespace: 'cc', kv: { reads: [{ key: 'b', version: v(0, 1) }], writes: [w('r')] } }])
    ], state())).toEqual(['VALID', 'MVCC_READ_CONFLICT', 'VALID', 'MVCC_READ_CONFLICT'])
  })

  it('an invalid transaction\'s writes do not cause conflicts', async () => {
    expect(await codes([
      await tx([{ namespace: 'cc', kv: { reads: [{ key: 'a', version: v(9, 9) }], writes: [w('b', 'new')] } }]),
      await tx([{ namespace: 'cc', kv: { reads: [{ key: 'b', version: v(0, 1) }], writes: [w('q')] } }])
    ], state())).toEqual(['MVCC_READ_CONFLICT', 'VALID'])
  })

  const range = (startKey: string, endKey: string, reads: Array<[string, number, number]>, itrExhausted = true): { startKey: string, endKey: string, itrExhausted: boolean, rawReads: { kvReads: Array<{ key: string, version: { blockNum: number, txNum: number } }> } } =>
    ({ startKey, endKey, itrExhausted, rawReads: { kvReads: reads.map(([key, b, t]) => ({ key, version: v(b, t) })) } })

  it('phantom reads: range re-evaluated against committed state and earlier txs of the block', async () => {
    const abc = range('a', 'd', [['a', 0, 0], ['b', 0, 1], ['c', 0, 2]])
    expect(await codes([
      await tx([{ namespace: 'cc', kv: { rangeQueriesInfo: [abc], writes: [w('x')] } }]), // unchanged
      await tx([{ namespace: 'cc', kv: { rangeQueriesInfo: [range('a', 'd', [['a', 0, 0], ['b', 0, 1]])], writes: [w('y')] } }]) // misses c
    ], state())).toEqual(['VALID', 'PHANTOM_READ_CONFLICT'])
    expect(await codes([
      await tx([{ namespace: 'cc', kv: { writes: [w('bb')] } }]), // inserts into the range
      await tx([{ namespace: 'cc', kv: { rangeQueriesInfo: [abc], writes: [w('y')] } }])
    ], state())).toEqual(['VALID', 'PHANTOM_READ_CONFLICT'])
    expect(await codes([
      await tx([{ namespace: 'cc', kv: { writes: [{ key: 'c', isDelete: true, value: new Uint8Array(0) }] } }]),
      await tx([{ namespace: 'cc', kv: { rangeQueriesInfo: [abc], writes: [w('y')] } }])
    ], state())).toEqual(['VALID', 'PHANTOM_READ_CONFLICT'])
    expect(await codes([
      await tx([{ namespace: 'cc', kv: { writes: [w('e')] } }]), // outside [a, d)
      await tx([{ namespace: 'cc', kv: { rangeQueriesInfo: [abc], writes: [w('y')] } }])
    ], state())).toEqual(['VALID', 'VALID'])
  })

  // Fabric (and Weft's simulator) record a range that was not read to the end with endKey = the
  // last key the chaincode saw; validation re-runs [startKey, endKey) and then serves endKey itself.
  it('a range not exhausted is checked up to and including its last read key (endKey)', async () => {
    expect(await codes([
      await tx([{ namespace: 'cc', kv: { writes: [w('bb')] } }]), // after the end key: not seen
      await tx([{ namespace: 'cc', kv: { rangeQueriesInfo: [range('a', 'b', [['a', 0, 0], ['b', 0, 1]], false)], writes: [w('y')] } }]),
      await tx([{ namespace: 'cc', kv: { rangeQueriesInfo: [range('a', 'a', [['a', 0, 0]], false)], writes: [w('z')] } }])
    ], state())).toEqual(['VALID', 'VALID', 'VALID'])
  })

  it('regression: a range not exhausted with results is not a phantom when nothing changed', async () => {
    // Bug: [startKey, endKey) was re-run without endKey, so the last result always went missing.
    expect(await codes([
      await tx([{ namespace: 'cc', kv: { rangeQueriesInfo: [range('a', 'c', [['a', 0, 0], ['b', 0, 1], ['c', 0, 2]], false)], writes: [w('y')] } }])
    ], state())).toEqual(['VALID'])
    // The end key itself is part of the range: changing it earlier in the block is a phantom.
    expect(await codes([
      await tx([{ namespace: 'cc', kv: { writes: [w('b', 'new')] } }]),
      await tx([{ namespace: 'cc', kv: { rangeQueriesInfo: [range('a', 'b', [['a', 0, 0], ['b', 0, 1]], false)], writes: [w('y')] } }])
    ], state())).toEqual(['VALID', 'PHANTOM_READ_CONFLICT'])
  })

  it('regression: checks go namespace by namespace (reads, then ranges, per namespace)', async () => {
    const phantom = { rangeQueriesInfo: [range('a', 'd', [['a', 0, 0]])] } // misses b and c
    const staleRead = { reads: [{ key: 'k', version: v(9, 9) }] }
    expect(await codes([
      await tx([{ namespace: 'cc', kv: { ...phantom, writes: [w('x')] } }, { namespace: 'cc2', kv: { ...staleRead, writes: [w('x')] } }]),
      await tx([{ namespace: 'cc2', kv: { ...staleRead, writes: [w('y')] } }, { namespace: 'cc', kv: { ...phantom, writes: [w('y')] } }])
    ], state().put('cc2', 'k', v(0, 0)))).toEqual(['PHANTOM_READ_CONFLICT', 'MVCC_READ_CONFLICT'])
  })

  it('regression: a metadata write to a missing key does not create it', async () => {
    const metadataOnly = (key: string): RwSpec => ({ namespace: 'cc', kv: { metadataWrites: [{ key, entries: [{ name: 'note', value: new Uint8Array([1]) }] }] } })
    expect(await codes([
      await tx([metadataOnly('bz')]), // missing key: a no-op in Fabric
      await tx([{ namespace: 'cc', kv: { reads: [{ key: 'bz' }], writes: [w('x')] } }]),
      await tx([{ namespace: 'cc', kv: { rangeQueriesInfo: [range('a', 'd', [['a', 0, 0], ['b', 0, 1], ['c', 0, 2]])], writes: [w('y')] } }]),
      await tx([metadataOnly('a')]), // existing key: re-versioned
      await tx([{ namespace: 'cc', kv: { reads: [{ key: 'a', version: v(0, 0) }], writes: [w('z')] } }])
    ], state())).toEqual(['VALID', 'VALID', 'VALID', 'VALID', 'MVCC_READ_CONFLICT'])
  })

  it('the validation-parameter check counts earlier transactions by their pre-MVCC result, before in-block duplicates', async () => {
    const vp = encode(SignaturePolicyEnvelope, policyFromString("OR('Org1MSP.peer')"))
    const setVp = { key: 'k', entries: [{ name: 'VALIDATION_PARAMETER', value: vp }] }
    // The metadata writer fails MVCC, yet Fabric's endorsement plugin already counted it valid.
    expect(await codes([
      await tx([{ namespace: 'cc', kv: { reads: [{ key: 'a', version: v(9, 9) }], metadataWrites: [setVp] } }]),
      await tx([{ namespace: 'cc', kv: { writes: [w('k')] } }]),
      await tx([{ namespace: 'cc2', kv: { writes: [w('k')] } }]) // same key, other namespace: unaffected
    ], state())).toEqual(['MVCC_READ_CONFLICT', 'ENDORSEMENT_POLICY_FAILURE', 'VALID'])
  })

  it('a block whose transactions are all invalid still yields a code per transaction', async () => {
    const results = await validator(state()).validate(makeBlock(1, [new Uint8Array(0), await tx([{ namespace: 'nope', kv: { writes: [w('a')] } }])]))
    expect(results.map((r) => r.code)).toEqual([C.NIL_ENVELOPE, C.INVALID_CHAINCODE])
  })
})

