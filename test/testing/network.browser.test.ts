// createTestNetwork in real Chromium: CAs, peers on real IndexedDB, lifecycle, submit/evaluate.
import { afterAll, describe, expect, it } from 'vitest'
import { idbKvStoreFactory } from '../../src/storage/index.js'
import { createTestNetwork, type TestNetwork } from '../../src/testing/index.js'
import { ASSETS } from './contracts.js'

let net: TestNetwork | undefined
afterAll(async () => { await net?.close() })

describe('createTestNetwork in the browser', () => {
  it('deploys and runs a contract with peers on IndexedDB', async () => {
    const run = Math.random().toString(36).slice(2, 8)
    net = await createTestNetwork({ orgs: ['Org1MSP', 'Org2MSP'], channel: `ch${run}`, storage: idbKvStoreFactory() })
    await net.deployChaincode('basic', ASSETS, { endorsementPolicy: "AND('Org1MSP.peer','Org2MSP.peer')" })
    const c = net.getContract('basic')
    await c.submitTransaction('CreateAsset', 'a1', 'blue')
    expect(JSON.parse(new TextDecoder().decode(await c.evaluateTransaction('ReadAsset', 'a1')))).toMatchObject({ Color: 'blue' })
    const [a, b] = await Promise.all([c.submitAsync('Recolor', { arguments: ['a1', 'red'] }), c.submitAsync('Recolor', { arguments: ['a1', 'green'] })])
    expect([(await a.getStatus()).codeName, (await b.getStatus()).codeName].sort()).toEqual(['MVCC_READ_CONFLICT', 'VALID'])
  })
})
