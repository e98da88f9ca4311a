import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestNetwork, TestNetworkError, type TestNetwork } from '../../src/testing/index.js'
import { RUNAWAY } from './contracts.js'

let net: TestNetwork
beforeAll(async () => {
  net = await createTestNetwork({ orgs: ['Org1MSP'], chaincodeTimeoutMs: 300 })
  await net.deployChaincode('spin', RUNAWAY)
}, 60_000)
afterAll(async () => { await net.close() })

describe('a runaway chaincode in the test network', () => {
  it('is stopped, the proposal fails with a clear message, and the peer keeps serving', async () => {
    const c = net.getContract('spin')
    const err = await c.submitTransaction('Spin').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TestNetworkError)
    expect((err as TestNetworkError).code).toBe('TESTNET_ENDORSEMENT_FAILED')
    expect((err as Error).message).toMatch(/CHAINCODE_FAILED/)
    expect(new TextDecoder().decode(await c.evaluateTransaction('Ping'))).toBe('pong')
    await c.submitTransaction('Ping')
  }, 30_000)
})
