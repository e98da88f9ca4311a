/**
 * Issue 6's "expired chaincode definition" at the validator: every user-chaincode rwset reads the
 * chaincode's `_lifecycle` definition (the endorser's resolver records it), so a definition
 * replaced after endorsement — in an earlier block or earlier in the same block — makes the
 * transaction MVCC_READ_CONFLICT, as in Fabric 2. The read alone asks for no `_lifecycle`
 * endorsement: only written namespaces are policy-checked (Fabric's txWritesToNamespace).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { LIFECYCLE_NAMESPACE, definitionKey } from '../../src/chaincode/lifecycle/index.js'
import type { SigningIdentity } from '../../src/msp/index.js'
import { MspManager, SignaturePolicyEvaluator, policyFromString, type Policy } from '../../src/policy/index.js'
import { txValidationCodeName } from '../../src/protos/index.js'
import { TestOrg } from '../../src/testing/org.js'
import { BlockValidator } from '../../src/validator/index.js'
import { MapState, makeBlock, makeTx, type RwSpec } from './fixtures.js'

let o1peer: SigningIdentity, o2peer: SigningIdentity, client: SigningIdentity
let ccPolicy: Policy, lifecyclePolicy: Policy
let msps: MspManager

beforeAll(async () => {
  const [org1, org2] = await Promise.all([TestOrg.create('Org1MSP'), TestOrg.create('Org2MSP')])
  ;[o1peer, o2peer, client] = await Promise.all([org1.enroll('p1', { role: 'peer' }), org2.enroll('p2', { role: 'peer' }), org1.enroll('c1')])
  msps = new MspManager([org1.msp, org2.msp])
  ccPolicy = new SignaturePolicyEvaluator(policyFromString("OR('Org1MSP.peer', 'Org2MSP.peer')"), msps)
  lifecyclePolicy = new SignaturePolicyEvaluator(policyFromString("AND('Org1MSP.peer', 'Org2MSP.peer')"), msps)
})

const v = (blockNum: number, txNum: number): { blockNum: number, txNum: number } => ({ blockNum, txNum })
const DEF = definitionKey('cc')
const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

/** What the endorser produces for `cc` endorsed under the definition committed at `defVersion`. */
const invocation = (defVersion: { blockNum: number, txNum: number }, key: string): RwSpec[] => [
  { namespace: LIFECYCLE_NAMESPACE, kv: { reads: [{ key: DEF, version: defVersion }] } },
  { namespace: 'cc', kv: { writes: [{ key, isDelete: false, value: enc('x') }] } }
]
/** A CommitChaincodeDefinition of `cc` (the `_lifecycle` system chaincode reads and rewrites the record). */
const upgrade = (defVersion: { blockNum: number, txNum: number }): RwSpec[] => [
  { namespace: LIFECYCLE_NAMESPACE, kv: { reads: [{ key: DEF, version: defVersion }], writes: [{ key: DEF, isDelete: false, value: enc('{"sequence":2}') }] } }
]

async function codes (txs: Array<{ rwsets: RwSpec[], chaincode?: string, endorsers?: SigningIdentity[] }>, state: MapState, asked: string[] = []): Promise<string[]> {
  const validator = new BlockValidator({
    channelId: 'ch',
    msps,
    state,
    policyFor: async (ns) => {
      asked.push(ns)
      return ns === 'cc' ? ccPolicy : ns === LIFECYCLE_NAMESPACE ? lifecyclePolicy : undefined
    }
  })
  const envelopes = await Promise.all(txs.map(async (t) => (await makeTx({ creator: client, endorsers: t.endorsers ?? [o1peer, o2peer], rwsets: t.rwsets, chaincode: t.chaincode ?? 'cc' })).envelope))
  return (await validator.validate(makeBlock(5, envelopes))).map((r) => txValidationCodeName(r.code) as string)
}

describe('expired chaincode definition (validator)', () => {
  it('a read of the current definition is VALID and asks for no _lifecycle endorsement', async () => {
    const asked: string[] = []
    // One org's endorsement: enough for cc's OR policy, never for the AND LifecycleEndorsement.
    expect(await codes([{ rwsets: invocation(v(3, 0), 'a'), endorsers: [o1peer] }], new MapState().put(LIFECYCLE_NAMESPACE, DEF, v(3, 0)), asked)).toEqual(['VALID'])
    expect(asked).toEqual(['cc'])
  })

  it('a definition committed after endorsement (a later block) is MVCC_READ_CONFLICT', async () => {
    expect(await codes([{ rwsets: invocation(v(3, 0), 'a') }], new MapState().put(LIFECYCLE_NAMESPACE, DEF, v(4, 1)))).toEqual(['MVCC_READ_CONFLICT'])
  })

  it('an upgrade earlier in the same block expires the transactions after it, not those before', async () => {
    const state = new MapState().put(LIFECYCLE_NAMESPACE, DEF, v(3, 0))
    expect(await codes([
      { rwsets: invocation(v(3, 0), 'before') },
      { rwsets: upgrade(v(3, 0)), chaincode: LIFECYCLE_NAMESPACE },
      { rwsets: invocation(v(3, 0), 'after') }
    ], state)).toEqual(['VALID', 'VALID', 'MVCC_READ_CONFLICT'])
  })

  it('an upgrade that itself fails (not endorsed by LifecycleEndorsement) expires nothing', async () => {
    const state = new MapState().put(LIFECYCLE_NAMESPACE, DEF, v(3, 0))
    expect(await codes([
      { rwsets: upgrade(v(3, 0)), chaincode: LIFECYCLE_NAMESPACE, endorsers: [o1peer] },
      { rwsets: invocation(v(3, 0), 'after') }
    ], state)).toEqual(['ENDORSEMENT_POLICY_FAILURE', 'VALID'])
  })
})
