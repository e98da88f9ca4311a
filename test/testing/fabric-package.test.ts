import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { packageChaincode } from '../../src/cli/chaincode-package.js'
import { createTestNetwork, type TestNetwork, type TestPeer } from '../../src/testing/index.js'

// Node-only: packages a Fabric sample-style chaincode folder with `weft chaincode package`.
const DIR = fileURLToPath(new URL('../fixtures/chaincode/asset-transfer', import.meta.url))
const text = (b: Uint8Array): string => new TextDecoder().decode(b)

let net: TestNetwork
beforeAll(async () => { net = await createTestNetwork({ orgs: ['Org1MSP', 'Org2MSP'] }) }, 60_000)
afterAll(async () => { await net.close() })

describe('deployChaincode with a Fabric tar.gz package', () => {
  it('installs by label:sha256, commits, creates the package\'s indexes, runs rich queries', async () => {
    const pkg = await packageChaincode(DIR)
    expect(pkg.indexes.length).toBeGreaterThan(0)
    const deployed = await net.deployChaincode('basic', pkg.packageBytes)
    expect(deployed.packageId.startsWith(`${pkg.label}:`)).toBe(true)
    for (const peer of net.peers as TestPeer[]) expect(peer.ledger.state.listIndexes('basic').length).toBe(pkg.indexes.length)
    const c = net.getContract('basic')
    await c.submitTransaction('InitLedger')
    expect(JSON.parse(text(await c.evaluateTransaction('ReadAsset', 'asset1')))).toMatchObject({ ID: 'asset1', Color: 'blue' })
    await c.submitTransaction('TransferAsset', 'asset1', 'Alice')
    const owned = JSON.parse(text(await c.evaluateTransaction('QueryAssetsByOwner', 'Alice'))) as Array<{ Key?: string, ID?: string, Record?: { ID: string } }>
    expect(owned.length).toBe(1)
  }, 120_000)
})
