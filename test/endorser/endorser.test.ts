import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProposal, createSignedTransaction, rejectionCode, signProposal } from '../../src/endorser/index.js'
import type { SigningIdentity } from '../../src/msp/index.js'
import type { SignedProposal} from '../../src/protos/index.js';
import { ChaincodeAction, Header, ProposalResponsePayload, Proposal, decode, encode } from '../../src/protos/index.js'
import { createTestNetwork, TestOrg, type TestNetwork, type TestPeer } from '../../src/testing/index.js'
import { ASSETS } from '../testing/contracts.js'

let net: TestNetwork
let peer: TestPeer
let client: SigningIdentity
let peerIdentity: SigningIdentity
let outsider: SigningIdentity

beforeAll(async () => {
  net = await createTestNetwork({ orgs: ['Org1MSP', 'Org2MSP'], channel: 'ch1' })
  await net.deployChaincode('basic', ASSETS)
  peer = net.peers[0] as TestPeer
  client = await net.enroll('Org1MSP', 'client1')
  peerIdentity = await net.enroll('Org1MSP', 'peerx', { role: 'peer' })
  outsider = await (await TestOrg.create('EvilMSP')).enroll('mallory')
}, 60_000)
afterAll(async () => { await net.close() })

async function propose (init: Partial<Parameters<typeof createProposal>[0]> = {}, signer?: SigningIdentity): Promise<{ signed: SignedProposal, txId: string }> {
  const creator = init.creator ?? client
  const { proposalBytes, txId } = createProposal({ channelId: 'ch1', chaincodeName: 'basic', args: ['CreateAsset', 'e1', 'red'], creator, ...init })
  return { signed: await signProposal(proposalBytes, signer ?? creator), txId }
}

describe('Endorser.processProposal', () => {
  it('endorses: status 200, the endorsement signs payload ‖ endorser, the payload carries the rwset', async () => {
    const { signed } = await propose()
    const r = await peer.endorser.processProposal(signed)
    expect(r.response?.status).toBe(200)
    expect(r.endorsement).toBeDefined()
    const endorser = r.endorsement?.endorser as Uint8Array
    const data = new Uint8Array([...r.payload, ...endorser])
    await peer.identity.identity.verify(data, r.endorsement?.signature as Uint8Array)
    const action = decode(ChaincodeAction, decode(ProposalResponsePayload, r.payload).extension)
    expect(action.chaincodeId?.name).toBe('basic')
    expect(action.results.length).toBeGreaterThan(0)
    expect(action.events.length).toBeGreaterThan(0)
  })

  const rejected = async (signed: SignedProposal | Uint8Array): Promise<string | undefined> => {
    const r = await peer.endorser.processProposal(signed)
    expect(r.response?.status).toBe(500)
    expect(r.endorsement).toBeUndefined()
    return rejectionCode(r)
  }

  it('BAD_PROPOSAL for bytes that are not a proposal', async () => {
    expect(await rejected(new Uint8Array([0xff, 0x01]))).toBe('BAD_PROPOSAL')
    expect(await rejected({ proposalBytes: new Uint8Array([0xff]), signature: new Uint8Array(0) })).toBe('BAD_PROPOSAL')
  })

  it('BAD_SIGNATURE when the signature is not the creator\'s over these bytes', async () => {
    const { signed } = await propose({}, peerIdentity)
    expect(await rejected(signed)).toBe('BAD_SIGNATURE')
  })

  it('BAD_CREATOR for an identity of an MSP outside the channel', async () => {
    const { signed } = await propose({ creator: outsider })
    expect(await rejected(signed)).toBe('BAD_CREATOR')
  })

  it('BAD_PROPOSAL_TXID when the txId is not SHA-256(nonce ‖ creator)', async () => {
    const { signed } = await propose()
    const proposal = decode(Proposal, signed.proposalBytes)
    // Rebuild with a different nonce inside the signature header but the old channel header (and txId).
    const other = createProposal({ channelId: 'ch1', chaincodeName: 'basic', args: ['CreateAsset', 'e1', 'red'], creator: client })
    const h1 = decode(Header, proposal.header)
    const h2 = decode(Header, other.proposal.header)
    const mixed = encode(Proposal, { ...proposal, header: encode(Header, { channelHeader: h1.channelHeader, signatureHeader: h2.signatureHeader }) })
    expect(await rejected(await signProposal(mixed, client))).toBe('BAD_PROPOSAL_TXID')
  })

  it('WRONG_CHANNEL for another channel', async () => {
    const { signed } = await propose({ channelId: 'other' })
    expect(await rejected(signed)).toBe('WRONG_CHANNEL')
  })

  it('ACCESS_DENIED when the creator does not satisfy peer/Propose (Writers: admin or client)', async () => {
    const { signed } = await propose({ creator: peerIdentity })
    expect(await rejected(signed)).toBe('ACCESS_DENIED')
  })

  it('UNKNOWN_CHAINCODE for an undefined chaincode', async () => {
    const { signed } = await propose({ chaincodeName: 'nope' })
    expect(await rejected(signed)).toBe('UNKNOWN_CHAINCODE')
  })

  it('DUPLICATE_TXID for a proposal whose transaction is on the ledger (replay)', async () => {
    const { signed, txId } = await propose({ args: ['CreateAsset', 'replay1', 'blue'] })
    const proposal = decode(Proposal, signed.proposalBytes)
    const responses = await Promise.all(net.peers.map(async (p) => await p.endorser.processProposal(signed)))
    const committed = peer.committer.waitForTx(txId)
    await net.orderer.broadcast(await createSignedTransaction(proposal, client, responses))
    expect((await committed).code).toBe(0)
    expect(await rejected(signed)).toBe('DUPLICATE_TXID')
  })

  it('chaincode errors come back as status 500 with the chaincode\'s message and no endorsement', async () => {
    const { signed } = await propose({ args: ['ReadAsset', 'missing'] })
    const r = await peer.endorser.processProposal(signed)
    expect(r.response).toMatchObject({ status: 500, message: 'The asset missing does not exist' })
    expect(r.endorsement).toBeUndefined()
    expect(rejectionCode(r)).toBeUndefined()
  })

  it('system chaincodes check their own ACLs: a peer identity may not commit a definition', async () => {
    const { signed } = await propose({ chaincodeName: '_lifecycle', args: ['CommitChaincodeDefinition', new Uint8Array(0)], creator: peerIdentity })
    const r = await peer.endorser.processProposal(signed)
    expect(r.response?.status).toBe(500)
    expect(r.response?.message).toMatch(/access denied/)
  })
})

