import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { bytesToHex } from '@noble/hashes/utils.js'
import { ChaincodeRuntime } from '../../src/chaincode/index.js'
import { bundleChaincode } from '../../src/cli/chaincode-package.js'
import { sha256 } from '../../src/crypto/sha256.js'
import { ChaincodeProposalPayload, ChannelHeader, Header, HeaderType, Proposal, SignatureHeader, SignedProposal, encode } from '../../src/protos/index.js'
import { CHANNEL, TestLedger, enroll, newOrg, run, utf8 } from './harness.js'

const DIR = fileURLToPath(new URL('../fixtures/chaincode/asset-transfer', import.meta.url))

function signedProposal (creator: Uint8Array, txId: string, nonce: Uint8Array): Uint8Array {
  const ch = encode(ChannelHeader, {
    type: HeaderType.ENDORSER_TRANSACTION, version: 0, channelId: CHANNEL, txId, epoch: 0,
    timestamp: { seconds: 1_700_000_000, nanos: 0 }, extension: new Uint8Array(0), tlsCertHash: new Uint8Array(0)
  })
  const sh = encode(SignatureHeader, { creator, nonce })
  const header = encode(Header, { channelHeader: ch, signatureHeader: sh })
  const payload = encode(ChaincodeProposalPayload, { input: utf8('input'), TransientMap: new Map([['secret', utf8('s3')]]) })
  const proposalBytes = encode(Proposal, { header, payload, extension: new Uint8Array(0) })
  return encode(SignedProposal, { proposalBytes, signature: new Uint8Array([1, 2, 3]) })
}

describe('ChaincodeStub: every call, Fabric semantics', () => {
  let l: TestLedger
  let cc: ChaincodeRuntime
  let alice: Uint8Array

  beforeAll(async () => {
    const { bundle } = await bundleChaincode(DIR)
    l = await TestLedger.open()
    const org = await newOrg('Org1MSP')
    alice = await enroll(org, 'alice', 'client', { dept: 'sales', role: 'admin' })
    cc = await ChaincodeRuntime.start(bundle, { name: 'tour', localMspId: 'PeerOrgMSP' })
  })
  afterAll(async () => {
    await cc.close()
    await l.close()
  })

  it('args, txId, channel, creator, MSP id, transient, timestamps, signed proposal and binding', async () => {
    const nonce = new Uint8Array(24).fill(7)
    const sp = signedProposal(alice, 'tx-facts', nonce)
    const r = await run(l, cc, alice, ['StubTour:Facts', 'x', 'y'], {
      extra: { signedProposal: sp, transient: new Map([['secret', utf8('s3')]]), timestamp: { seconds: 1_700_000_123, nanos: 456_000_000 } }
    })
    const f = JSON.parse(r.text)
    expect(f.args).toEqual(['StubTour:Facts', 'x', 'y'])
    expect(f.stringArgs).toEqual(f.args)
    expect(f.bufferArgsAreBuffers).toBe(true)
    expect(f.fnp).toEqual({ fcn: 'StubTour:Facts', params: ['x', 'y'] })
    expect(f.txId).toMatch(/^tx\d+$/)
    expect(f.channel).toBe(CHANNEL)
    expect(f.creatorMsp).toBe('Org1MSP')
    expect(f.creatorIsBuffer).toBe(true)
    expect(f.creatorPem).toBe(true)
    expect(f.mspId).toBe('PeerOrgMSP')
    expect(f.transient).toEqual([['secret', 's3', true]])
    expect([f.seconds, f.nanos]).toEqual([1_700_000_123, 456_000_000])
    expect(f.date).toBe(new Date(1_700_000_123_456).toISOString())
    const epoch = new Uint8Array(8)
    const expected = new Uint8Array([...nonce, ...alice, ...epoch])
    expect(f.binding).toBe(bytesToHex(sha256(expected)))
    expect(f.signed).toEqual({ channelId: CHANNEL, txId: 'tx-facts', nonceLength: 24, creatorMsp: 'Org1MSP', sigIsBuffer: true })
    const without = JSON.parse((await run(l, cc, alice, ['StubTour:Facts'])).text)
    expect(without.signed).toBe('no signed proposal is available for this transaction')
    expect(without.binding).toBe('')
  })

  it('ClientIdentity: Fabric ID format, attributes, certificate fields', async () => {
    const r = JSON.parse((await run(l, cc, alice, ['StubTour:Identity'])).text)
    expect(r).toEqual({
      id: 'x509::CN=alice,OU=client,O=Org1MSP::CN=ca.Org1MSP,O=Org1MSP',
      msp: 'Org1MSP',
      idBytes: true,
      dept: 'sales',
      missing: null,
      isAdmin: true,
      subjectCN: 'alice',
      issuerCN: 'ca.Org1MSP',
      serial: 'string',
      validTo: true,
      rawIsBuffer: true
    })
  })

  it('composite keys: create, split, validation', async () => {
    const r = JSON.parse((await run(l, cc, alice, ['StubTour:Composite'])).text)
    expect(Buffer.from(r.key, 'hex').toString()).toBe('\u0000owner~asset\u0000alice\u0000a1\u0000')
    expect(r.split).toEqual({ objectType: 'owner~asset', attributes: ['alice', 'a1'] })
    expect(r.error).toBe('object type or attribute not a non-zero length string')
    expect(r.simple).toEqual({ objectType: null, attributes: [] })
  })

  it('state validation parameter goes to metadata writes and reads back after commit', async () => {
    // Fabric drops metadata of a key that has no value at commit, so the key gets a value first.
    await run(l, cc, alice, ['StubTour:PutThenGet', 'k1', 'v'])
    const w = await run(l, cc, alice, ['StubTour:Endorsement', 'k1', 'policy-bytes'])
    expect(w.rwset?.metadataWrites).toEqual([{ key: 'k1', entries: [{ name: 'VALIDATION_PARAMETER', value: utf8('policy-bytes') }] }])
    const r = await run(l, cc, alice, ['StubTour:ReadEndorsement', 'k1'])
    expect(r.text).toBe('policy-bytes')
  })

  it('reads do not see the transaction\'s own writes (Fabric); strings are accepted by putState; delete', async () => {
    const r = await run(l, cc, alice, ['StubTour:PutThenGet', 'fresh', 'value'])
    expect(r.text).toBe('')
    expect(r.rwset?.writes).toEqual([{ key: 'fresh', isDelete: false, value: utf8('value') }])
    const again = await run(l, cc, alice, ['StubTour:PutThenGet', 'fresh', 'value2'])
    expect(again.text).toBe('value')
    const d = await run(l, cc, alice, ['StubTour:Delete', 'fresh'])
    expect(d.rwset?.writes).toEqual([{ key: 'fresh', isDelete: true, value: new Uint8Array(0) }])
  })

  it('setEvent keeps the last event; events are per transaction', async () => {
    const r = await run(l, cc, alice, ['StubTour:Event'])
    expect(r.event).toEqual({ eventName: 'second', payload: utf8('2') })
    const none = await run(l, cc, alice, ['StubTour:Missing', 'q'])
    expect(none.event).toBeUndefined()
  })

  it('invokeChaincode goes through the endorser callback on the same channel only', async () => {
    const calls: Array<[string, string[]]> = []
    const invokeChaincode = async (name: string, args: Uint8Array[]): Promise<{ status: number, message: string, payload: Uint8Array }> => {
      calls.push([name, args.map((a) => new TextDecoder().decode(a))])
      return { status: 200, message: 'fine', payload: utf8('pong') }
    }
    const r = await run(l, cc, alice, ['StubTour:Call', 'other', '["ping","1"]'], { extra: { invokeChaincode } })
    expect(JSON.parse(r.text)).toEqual({ status: 200, message: 'fine', payload: 'pong' })
    expect(calls).toEqual([['other', ['ping', '1']]])
    const cross = await run(l, cc, alice, ['StubTour:CallOtherChannel', 'other'], { extra: { invokeChaincode } })
    expect(cross.message).toBe('invokeChaincode: calling chaincode on another channel (otherchannel) is not supported')
    const none = await run(l, cc, alice, ['StubTour:Call', 'other', '[]'])
    expect(none.message).toBe('invokeChaincode is not available in this context')
  })

  it('private data calls fail with a clear "no collection" error', async () => {
    const r = JSON.parse((await run(l, cc, alice, ['StubTour:Private'])).text)
    expect(r).toHaveLength(10)
    for (const m of r) expect(m).toBe('private data is not supported yet: no collection "col" is defined for chaincode tour')
  })

  it('breaking out of for await closes the iterator; simple keys may not start with U+0000', async () => {
    await run(l, cc, alice, ['StubTour:PutThenGet', 'r1', '1'])
    await run(l, cc, alice, ['StubTour:PutThenGet', 'r2', '2'])
    await run(l, cc, alice, ['StubTour:PutThenGet', 'r3', '3'])
    const r = await run(l, cc, alice, ['StubTour:RangeBreak'])
    expect(JSON.parse(r.text)).toHaveLength(2)
    // As on a Fabric peer, the first batch (up to 100 results) was read from the ledger before the break.
    expect(r.rwset?.rangeQueriesInfo[0]?.itrExhausted).toBe(true)
    const bad = await run(l, cc, alice, ['StubTour:BadRange'])
    expect(bad.text).toBe('first character of the key [\u0000abc] contains a null character which is not allowed')
  })

  it('paginated partial composite key query and for-await over a paginated range', async () => {
    for (const id of ['c1', 'c2', 'c3']) await run(l, cc, alice, ['StubTour:IndexPut', 'red', id])
    await run(l, cc, alice, ['StubTour:IndexPut', 'blue', 'c4'])
    const p1 = JSON.parse((await run(l, cc, alice, ['StubTour:CompositePage', 'red', '2', ''])).text)
    expect(p1.ids).toEqual(['c1', 'c2'])
    expect(p1.count).toBe(2)
    expect(Buffer.from(p1.bookmark, 'hex').toString()).toBe('\u0000color~id\u0000red\u0000c3\u0000')
    const p2 = JSON.parse((await run(l, cc, alice, ['StubTour:CompositePage', 'red', '2', Buffer.from(p1.bookmark, 'hex').toString()])).text)
    expect(p2).toEqual({ ids: ['c3'], count: 1, bookmark: '' })
    const keys = JSON.parse((await run(l, cc, alice, ['StubTour:RangePageForAwait', '2'])).text)
    expect(keys).toHaveLength(2)
  })

  it('large range results cross in batches (more than one host round trip)', async () => {
    const src = `const { Contract } = require('fabric-contract-api')
      class Many extends Contract {
        async Fill (ctx, n) { for (let i = 0; i < Number(n); i++) await ctx.stub.putState('k' + String(i).padStart(4, '0'), Buffer.from([i & 255])) }
        async Count (ctx) { let n = 0; const it = await ctx.stub.getStateByRange('', ''); for (let r = await it.next(); !r.done; r = await it.next()) n++; await it.close(); return n }
      }
      module.exports.contracts = [Many]`
    const many = await ChaincodeRuntime.start(src, { name: 'many', localMspId: 'Org1MSP' })
    await run(l, many, alice, ['Fill', '250'])
    const r = await run(l, many, alice, ['Count'])
    expect(r.text).toBe('250')
    expect(r.rwset?.rangeQueriesInfo[0]?.rawReads?.kvReads).toHaveLength(250)
    const brk = await ChaincodeRuntime.start(src.replace('n++;', 'if (++n === 5) break;'), { name: 'many', localMspId: 'Org1MSP' })
    const b = await run(l, brk, alice, ['Count'])
    expect(b.text).toBe('5')
    // One batch of 100 was read, then the iterator was closed: not exhausted, 100 raw reads (Fabric's handler).
    expect(b.rwset?.rangeQueriesInfo[0]?.itrExhausted).toBe(false)
    expect(b.rwset?.rangeQueriesInfo[0]?.rawReads?.kvReads).toHaveLength(100)
    await brk.close()
    await many.close()
  })
})
