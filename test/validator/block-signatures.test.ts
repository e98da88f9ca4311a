import { beforeAll, describe, expect, it } from 'vitest'
import { defaultVerifier } from '../../src/crypto/verifier-default.js'
import type { Verifier, VerifyRequest } from '../../src/crypto/verifier.js'
import type { SigningIdentity } from '../../src/msp/index.js'
import { BlockWriter } from '../../src/orderer/block-writer.js'
import { MspManager, SignaturePolicyEvaluator, policyFromString } from '../../src/policy/index.js'
import type { Policy } from '../../src/policy/index.js'
import { BlockMetadataIndex, Envelope, Metadata, TxValidationCode as C, blockHeaderHash, decode, encode, type Block } from '../../src/protos/index.js'
import { TestOrg } from '../../src/testing/org.js'
import { BlockValidator, ValidatorError } from '../../src/validator/index.js'
import { MapState, makeBlock, makeTx } from './fixtures.js'

let o1peer: SigningIdentity, o2peer: SigningIdentity, client: SigningIdentity, orderer: SigningIdentity
let msps: MspManager
let ccPolicy: Policy
let blockValidation: Policy

beforeAll(async () => {
  const [org1, org2, ordererOrg] = await Promise.all([TestOrg.create('Org1MSP'), TestOrg.create('Org2MSP'), TestOrg.create('OrdererMSP')])
  ;[o1peer, o2peer, client, orderer] = await Promise.all([
    org1.enroll('p1', { role: 'peer' }), org2.enroll('p2', { role: 'peer' }), org1.enroll('c1'), ordererOrg.enroll('o1', { role: 'orderer' })
  ])
  msps = new MspManager([org1.msp, org2.msp, ordererOrg.msp])
  ccPolicy = new SignaturePolicyEvaluator(policyFromString("AND('Org1MSP.peer', 'Org2MSP.peer')"), msps)
  blockValidation = new SignaturePolicyEvaluator(policyFromString("OR('OrdererMSP.orderer')"), msps)
})

/** Counts calls; delegates to the default verifier. */
class CountingVerifier implements Verifier {
  readonly name = 'counting'
  readonly inner = defaultVerifier()
  singles = 0
  batches: number[] = []
  async verify (request: VerifyRequest): Promise<boolean> { this.singles++; return await this.inner.verify(request) }
  async verifyBatch (requests: readonly VerifyRequest[]): Promise<boolean[]> { this.batches.push(requests.length); return await this.inner.verifyBatch(requests) }
}

const w = (key: string): { key: string, isDelete: boolean, value: Uint8Array } => ({ key, isDelete: false, value: new Uint8Array([1]) })

function validator (options: { verifier?: Verifier, blockValidation?: Policy } = {}): BlockValidator {
  return new BlockValidator({ channelId: 'ch', msps, state: new MapState(), policyFor: async (ns) => ns === 'cc' ? ccPolicy : undefined, ...options })
}

/** Block 1 after a genesis block, signed by `signer` as an orderer's BlockWriter would. */
async function signedBlock (signer: SigningIdentity, envelopes: Uint8Array[]): Promise<{ genesis: Block, block: Block }> {
  const genesis = makeBlock(0, [])
  const block = makeBlock(1, envelopes, blockHeaderHash(genesis.header as NonNullable<Block['header']>))
  await new BlockWriter(genesis, 0, signer).commit(block, { isConfig: false })
  return { genesis, block }
}

describe('BlockValidator: one signature batch per block', () => {
  it('verifies every creator and endorsement signature in one verifyBatch call', async () => {
    const good = await makeTx({ creator: client, endorsers: [o1peer, o2peer], rwsets: [{ namespace: 'cc', kv: { writes: [w('a')] } }] })
    const forgedEndorsement = await makeTx({ creator: client, endorsers: [o1peer, o2peer], rwsets: [{ namespace: 'cc', kv: { writes: [w('b')] } }] })
    const env = decode(Envelope, forgedEndorsement.envelope)
    const forgedCreator = encode(Envelope, { payload: env.payload, signature: await client.sign(new Uint8Array([9])) })
    // The same endorsement twice: one request, and it still counts once.
    const twice = await makeTx({ creator: client, endorsers: [o1peer, o1peer, o2peer], rwsets: [{ namespace: 'cc', kv: { writes: [w('c')] } }] })
    const onlyOrg1 = await makeTx({ creator: client, endorsers: [o1peer], rwsets: [{ namespace: 'cc', kv: { writes: [w('d')] } }] })

    const verifier = new CountingVerifier()
    const v = validator({ verifier })
    const results = await v.validate(makeBlock(1, [good.envelope, forgedCreator, twice.envelope, onlyOrg1.envelope]))
    expect(results.map((r) => r.code)).toEqual([C.VALID, C.BAD_CREATOR_SIGNATURE, C.VALID, C.ENDORSEMENT_POLICY_FAILURE])
    expect(verifier.singles).toBe(0)
    // creator + 2 endorsements, ×2; creator + 2 distinct endorsements; creator + 1.
    expect(verifier.batches).toEqual([3 + 3 + 3 + 2])
    expect(v.lastTimings?.signatures).toBe(11)
    expect(v.lastTimings?.totalMs).toBeGreaterThanOrEqual(0)
  })
})

describe('the per-block identity memo key', () => {
  it('windows-1252 decoding gives every byte its own code point, so distinct bytes never share a key', () => {
    const all = new TextDecoder('windows-1252').decode(Uint8Array.from({ length: 256 }, (_, i) => i))
    expect(all.length).toBe(256)
    expect(new Set(all).size).toBe(256)
  })
})

describe('BlockValidator: the orderer signature and the hash chain', () => {
  it('accepts a block signed by the orderer org and continuing the chain', async () => {
    const tx = await makeTx({ creator: client, endorsers: [o1peer, o2peer], rwsets: [{ namespace: 'cc', kv: { writes: [w('a')] } }] })
    const { genesis, block } = await signedBlock(orderer, [tx.envelope])
    const tip = { height: 1, currentBlockHash: blockHeaderHash(genesis.header as NonNullable<Block['header']>) }
    expect((await validator({ blockValidation }).validate(block, { chainTip: tip })).map((r) => r.code)).toEqual([C.VALID])
  })

  it('refuses a block signed by a non-orderer, or with no signature', async () => {
    const { block } = await signedBlock(o1peer, [])
    await expect(validator({ blockValidation }).validate(block)).rejects.toMatchObject({ code: 'VALIDATOR_BAD_BLOCK_SIGNATURE' })
    const unsigned = makeBlock(1, [])
    await expect(validator({ blockValidation }).validate(unsigned)).rejects.toBeInstanceOf(ValidatorError)
  })

  it('refuses a tampered block: header, signed metadata or signature changed', async () => {
    const tx = await makeTx({ creator: client, endorsers: [o1peer, o2peer], rwsets: [{ namespace: 'cc', kv: { writes: [w('a')] } }] })
    const tampered = async (edit: (b: Block) => void): Promise<Block> => { const { block } = await signedBlock(orderer, [tx.envelope]); edit(block); return block }
    const slot = (b: Block): Metadata => decode(Metadata, b.metadata?.metadata[BlockMetadataIndex.SIGNATURES] as Uint8Array)
    const setSlot = (b: Block, m: Metadata): void => { (b.metadata?.metadata as Uint8Array[])[BlockMetadataIndex.SIGNATURES] = encode(Metadata, m) }
    const blocks = await Promise.all([
      tampered((b) => { (b.header as { previousHash: Uint8Array }).previousHash = new Uint8Array(32) }),
      tampered((b) => { const m = slot(b); setSlot(b, { ...m, value: new Uint8Array([...m.value, 0]) }) }),
      tampered((b) => { const m = slot(b); const s = m.signatures[0] as Metadata['signatures'][number]; setSlot(b, { ...m, signatures: [{ ...s, signature: s.signature.map((x, i) => i === 10 ? x ^ 1 : x) }] }) }),
      tampered((b) => { (b.metadata?.metadata as Uint8Array[])[BlockMetadataIndex.SIGNATURES] = new Uint8Array([0xff, 0xff]) })
    ])
    for (const block of blocks) {
      await expect(validator({ blockValidation }).validate(block)).rejects.toMatchObject({ code: 'VALIDATOR_BAD_BLOCK_SIGNATURE' })
    }
  })

  it('refuses a block that does not continue the chain', async () => {
    const { genesis, block } = await signedBlock(orderer, [])
    const hash = blockHeaderHash(genesis.header as NonNullable<Block['header']>)
    await expect(validator().validate(block, { chainTip: { height: 2, currentBlockHash: hash } })).rejects.toMatchObject({ code: 'VALIDATOR_BROKEN_CHAIN' })
    await expect(validator().validate(block, { chainTip: { height: 1, currentBlockHash: new Uint8Array(32) } })).rejects.toMatchObject({ code: 'VALIDATOR_BROKEN_CHAIN' })
  })
})
