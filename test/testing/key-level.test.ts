import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex } from '@noble/hashes/utils.js'
import { policyFromString } from '../../src/policy/index.js'
import { SignaturePolicyEnvelope, encode } from '../../src/protos/index.js'
import { createTestNetwork, type Contract, type ContractContext, type TestNetwork, type TestPeer } from '../../src/testing/index.js'
import { KEY_LEVEL } from './contracts.js'

let net: TestNetwork

/** The same contract endorsed only by the given orgs' peers. */
function endorsedBy (c: Contract, ...mspIds: string[]): Contract {
  const ctx = (c as unknown as { ctx: ContractContext }).ctx
  const all = ctx.endorsers()
  ctx.endorsers = () => all.filter((p: TestPeer) => mspIds.includes(p.mspId))
  return c
}

beforeAll(async () => {
  net = await createTestNetwork({ orgs: ['Org1MSP', 'Org2MSP'] })
  await net.deployChaincode('sbe', KEY_LEVEL, { endorsementPolicy: "AND('Org1MSP.peer', 'Org2MSP.peer')" })
}, 60_000)
afterAll(async () => { await net.close() })

describe('key-level endorsement (VALIDATION_PARAMETER)', () => {
  it('a key with its own policy is validated against it instead of the chaincode policy', async () => {
    const org2Only = bytesToHex(encode(SignaturePolicyEnvelope, policyFromString("OR('Org2MSP.peer')")))
    await net.getContract('sbe').submitTransaction('Lock', 'k', org2Only)
    await expect(endorsedBy(net.getContract('sbe'), 'Org1MSP').submitTransaction('Set', 'k', 'a')).rejects.toMatchObject({ validationCode: 'ENDORSEMENT_POLICY_FAILURE' })
    await endorsedBy(net.getContract('sbe'), 'Org2MSP').submitTransaction('Set', 'k', 'b')
    // Keys without a validation parameter still need the chaincode's AND policy.
    await expect(endorsedBy(net.getContract('sbe'), 'Org2MSP').submitTransaction('Set', 'other', 'c')).rejects.toMatchObject({ validationCode: 'ENDORSEMENT_POLICY_FAILURE' })
    expect(new TextDecoder().decode((await (net.peers[0] as TestPeer).ledger.state.get('sbe', 'k'))?.value)).toBe('b')
  }, 30_000)
})
