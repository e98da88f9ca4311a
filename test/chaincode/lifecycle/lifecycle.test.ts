import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesToHex } from '@noble/hashes/utils.js'
import { sha256 } from '../../../src/crypto/sha256.js'
import { applicationPolicy, encodeWeftPackage } from '../../../src/chaincode/lifecycle/index.js'
import type { SigningIdentity } from '../../../src/msp/index.js'
import {
  ApproveChaincodeDefinitionForMyOrgArgs, CheckCommitReadinessArgs, CheckCommitReadinessResult, CommitChaincodeDefinitionArgs,
  InstallChaincodeArgs, InstallChaincodeResult, QueryChaincodeDefinitionsResult, QueryInstalledChaincodesResult, decode, encode
} from '../../../src/protos/index.js'
import { Contract, createTestNetwork, type TestNetwork, type TestPeer } from '../../../src/testing/index.js'
import { ASSETS } from '../../testing/contracts.js'

let net: TestNetwork
let p1: TestPeer, p2: TestPeer
let admin1: SigningIdentity, admin2: SigningIdentity

function lifecycle (identity: SigningIdentity, endorsers: TestPeer[]): Contract {
  const home = endorsers[0] as TestPeer
  return new Contract('_lifecycle', { channelId: 'mychannel', identity, endorsers: () => endorsers, home, peers: () => net.peers, orderer: net.orderer, checkOpen: () => undefined })
}
const params = (name: string, sequence: number, extra: Record<string, unknown> = {}): { sequence: number, name: string, version: string, endorsementPlugin: string, validationPlugin: string, validationParameter: Uint8Array<ArrayBuffer>, initRequired: boolean } =>
  ({ sequence, name, version: '1.0', endorsementPlugin: '', validationPlugin: '', validationParameter: applicationPolicy() as Uint8Array<ArrayBuffer>, initRequired: false, ...extra })

beforeAll(async () => {
  net = await createTestNetwork({ orgs: ['Org1MSP', 'Org2MSP'] })
  ;[p1, p2] = net.peers as [TestPeer, TestPeer]
  admin1 = net.admin('Org1MSP')
  admin2 = net.admin('Org2MSP')
}, 60_000)
afterAll(async () => { await net.close() })

describe('_lifecycle', () => {
  const pkg = encodeWeftPackage({ label: 'assets_1', source: ASSETS, indexes: ['{"index":{"fields":["Color"]},"ddoc":"byColor","name":"byColor","type":"json"}'] })
  let packageId = ''

  it('install: package id is label:sha256(package); admins only; twice is refused', async () => {
    const result = decode(InstallChaincodeResult, await lifecycle(admin1, [p1]).evaluate('InstallChaincode', { arguments: [encode(InstallChaincodeArgs, { chaincodeInstallPackage: pkg as Uint8Array<ArrayBuffer> })] }))
    packageId = result.packageId
    expect(packageId).toBe(`assets_1:${bytesToHex(sha256(pkg))}`)
    await lifecycle(admin2, [p2]).evaluate('InstallChaincode', { arguments: [encode(InstallChaincodeArgs, { chaincodeInstallPackage: pkg as Uint8Array<ArrayBuffer> })] })
    await expect(lifecycle(admin1, [p1]).evaluate('InstallChaincode', { arguments: [encode(InstallChaincodeArgs, { chaincodeInstallPackage: pkg as Uint8Array<ArrayBuffer> })] })).rejects.toThrow(/already successfully installed/)
    const client = await net.enroll('Org1MSP', 'c-install')
    await expect(lifecycle(client, [p1]).evaluate('InstallChaincode', { arguments: [encode(InstallChaincodeArgs, { chaincodeInstallPackage: pkg as Uint8Array<ArrayBuffer> })] })).rejects.toThrow(/not an admin/)
    const listed = decode(QueryInstalledChaincodesResult, await lifecycle(admin1, [p1]).evaluate('QueryInstalledChaincodes'))
    expect(listed.installedChaincodes.map((c) => c.packageId)).toEqual([packageId])
  })

  it('approve: wrong package id and wrong sequence are refused', async () => {
    const wrongPkg = encode(ApproveChaincodeDefinitionForMyOrgArgs, { ...params('assets', 1), source: { localPackage: { packageId: 'assets_1:' + '0'.repeat(64) } } })
    await expect(lifecycle(admin1, [p1]).submit('ApproveChaincodeDefinitionForMyOrg', { arguments: [wrongPkg] })).rejects.toThrow(/is not installed/)
    const wrongSeq = encode(ApproveChaincodeDefinitionForMyOrgArgs, { ...params('assets', 2), source: { localPackage: { packageId } } })
    await expect(lifecycle(admin1, [p1]).submit('ApproveChaincodeDefinitionForMyOrg', { arguments: [wrongSeq] })).rejects.toThrow(/new definition must be sequence 1/)
  })

  it('readiness shows who approved; commit needs this org\'s approval and the LifecycleEndorsement majority', async () => {
    await lifecycle(admin1, [p1]).submit('ApproveChaincodeDefinitionForMyOrg', { arguments: [encode(ApproveChaincodeDefinitionForMyOrgArgs, { ...params('assets', 1), source: { localPackage: { packageId } } })] })
    const readiness = decode(CheckCommitReadinessResult, await lifecycle(admin1, [p1]).evaluate('CheckCommitReadiness', { arguments: [encode(CheckCommitReadinessArgs, params('assets', 1))] }))
    expect(Object.fromEntries(readiness.approvals)).toEqual({ Org1MSP: true, Org2MSP: false })
    // A different version: nobody approved that.
    const other = decode(CheckCommitReadinessResult, await lifecycle(admin1, [p1]).evaluate('CheckCommitReadiness', { arguments: [encode(CheckCommitReadinessArgs, params('assets', 1, { version: '9' }))] }))
    expect(other.mismatches.get('Org1MSP')?.items).toEqual(['Version'])
    const commit = encode(CommitChaincodeDefinitionArgs, params('assets', 1))
    // Org2's peer refuses to endorse: its org has not approved.
    await expect(lifecycle(admin1, [p1, p2]).submit('CommitChaincodeDefinition', { arguments: [commit] })).rejects.toThrow(/not agreed to by this org \(Org2MSP\)/)
    // Org1's endorsement alone does not meet MAJORITY of 2.
    await expect(lifecycle(admin1, [p1]).submit('CommitChaincodeDefinition', { arguments: [commit] })).rejects.toMatchObject({ validationCode: 'ENDORSEMENT_POLICY_FAILURE' })
    await lifecycle(admin2, [p2]).submit('ApproveChaincodeDefinitionForMyOrg', { arguments: [encode(ApproveChaincodeDefinitionForMyOrgArgs, { ...params('assets', 1), source: { localPackage: { packageId } } })] })
    await lifecycle(admin1, [p1, p2]).submit('CommitChaincodeDefinition', { arguments: [commit] })
    const defs = decode(QueryChaincodeDefinitionsResult, await lifecycle(admin1, [p1]).evaluate('QueryChaincodeDefinitions'))
    expect(defs.chaincodeDefinitions.map((d) => [d.name, d.sequence, d.version])).toEqual([['assets', 1, '1.0']])
    // Committing the same sequence again is refused.
    await expect(lifecycle(admin1, [p1, p2]).submit('CommitChaincodeDefinition', { arguments: [commit] })).rejects.toThrow(/must be sequence 2/)
  }, 30_000)

  it('the committed definition runs, and its package\'s index definitions exist on every peer', async () => {
    const c = net.getContract('assets')
    await c.submitTransaction('CreateAsset', 'x1', 'blue')
    expect(new TextDecoder().decode(await c.evaluateTransaction('ReadAsset', 'x1'))).toContain('blue')
    for (const peer of net.peers) expect(peer.ledger.state.listIndexes('assets').length).toBe(1)
  }, 30_000)
})
