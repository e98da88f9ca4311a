/**
 * The endorser records Fabric's `_lifecycle` definition read (ChaincodeEndorsementInfo through the
 * transaction's simulator) in every user-chaincode rwset, at the definition's committed version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LIFECYCLE_NAMESPACE, definitionKey } from '../../src/chaincode/lifecycle/index.js'
import { createProposal, signProposal } from '../../src/endorser/index.js'
import type { Height } from '../../src/ledger/index.js'
import type { SigningIdentity } from '../../src/msp/index.js'
import { ChaincodeAction, KVRWSet, ProposalResponsePayload, TxReadWriteSet, decode, type KVRead } from '../../src/protos/index.js'
import { createTestNetwork, type TestNetwork, type TestPeer } from '../../src/testing/index.js'
import { ASSETS } from '../testing/contracts.js'

/** Calls `basic` from another chaincode (same channel, same transaction). */
const CALLER = `
const { Contract } = require('fabric-contract-api')
class Caller extends Contract {
  async Read (ctx, id) {
    const r = await ctx.stub.invokeChaincode('basic', ['ReadAsset', id], '')
    if (r.status !== 200) throw new Error(r.message)
    return Buffer.from(r.payload).toString()
  }
}
module.exports.contracts = [Caller]
`

let net: TestNetwork
let peer: TestPeer
let client: SigningIdentity

beforeAll(async () => {
  net = await createTestNetwork({ orgs: ['Org1MSP'], channel: 'ch1' })
  await net.deployChaincode('basic', ASSETS)
  await net.deployChaincode('caller', CALLER)
  peer = net.peers[0] as TestPeer
  client = await net.enroll('Org1MSP', 'client1')
}, 60_000)
afterAll(async () => { await net.close() })

interface NsRw { namespace: string, kv: KVRWSet }

async function endorsedRwset (chaincodeName: string, args: Array<string | Uint8Array>): Promise<NsRw[]> {
  const { proposalBytes } = createProposal({ channelId: 'ch1', chaincodeName, args, creator: client })
  const r = await peer.endorser.processProposal(await signProposal(proposalBytes, client))
  expect(r.response?.status).toBe(200)
  expect(r.endorsement).toBeDefined()
  const action = decode(ChaincodeAction, decode(ProposalResponsePayload, r.payload).extension)
  return decode(TxReadWriteSet, action.results).nsRwset.map((ns) => ({ namespace: ns.namespace, kv: decode(KVRWSet, ns.rwset) }))
}

async function committedVersion (name: string): Promise<Height> {
  const v = await peer.ledger.state.get(LIFECYCLE_NAMESPACE, definitionKey(name))
  if (v === undefined) throw new Error(`no committed definition for ${name}`)
  return v.version
}

const lifecycleOf = (rwsets: NsRw[]): KVRWSet | undefined => rwsets.find((ns) => ns.namespace === LIFECYCLE_NAMESPACE)?.kv
const readOf = (name: string, version: Height): KVRead => ({ key: definitionKey(name), version: { blockNum: version.blockNum, txNum: version.txNum } })

describe('endorser: the chaincode definition read', () => {
  it('a user chaincode\'s rwset reads its `_lifecycle` definition at the committed version, and writes nothing there', async () => {
    const rwsets = await endorsedRwset('basic', ['CreateAsset', 'lr1', 'red'])
    const lifecycle = lifecycleOf(rwsets)
    expect(lifecycle?.reads).toEqual([readOf('basic', await committedVersion('basic'))])
    expect(lifecycle?.writes).toEqual([])
    expect(lifecycle?.metadataWrites).toEqual([])
    expect(lifecycle?.rangeQueriesInfo).toEqual([])
    // The chaincode's own rwset is unchanged: its read and write of lr1.
    const own = rwsets.find((ns) => ns.namespace === 'basic')?.kv
    expect(own?.reads.map((r) => r.key)).toEqual(['lr1'])
    expect(own?.writes.map((w) => w.key)).toEqual(['lr1'])
  })

  it('after an upgrade the read carries the new definition\'s version', async () => {
    const before = await committedVersion('basic')
    await net.deployChaincode('basic', ASSETS, { endorsementPolicy: "OR('Org1MSP.peer')" })
    const after = await committedVersion('basic')
    expect(after).not.toEqual(before)
    expect(lifecycleOf(await endorsedRwset('basic', ['CountAll']))?.reads).toEqual([readOf('basic', after)])
  }, 30_000)

  it('chaincode-to-chaincode: the callee\'s definition is read too, in the same rwset', async () => {
    await net.getContract('basic').submitTransaction('CreateAsset', 'lr2', 'blue')
    const rwsets = await endorsedRwset('caller', ['Read', 'lr2'])
    expect(lifecycleOf(rwsets)?.reads).toEqual([readOf('basic', await committedVersion('basic')), readOf('caller', await committedVersion('caller'))])
    expect(rwsets.find((ns) => ns.namespace === 'basic')?.kv.reads.map((r) => r.key)).toEqual(['lr2'])
  }, 30_000)

  it('system chaincodes record no definition read (Fabric\'s IsSysCC shortcut)', async () => {
    const rwsets = await endorsedRwset('qscc', ['GetChainInfo', 'ch1'])
    expect(lifecycleOf(rwsets)).toBeUndefined()
  })
})
