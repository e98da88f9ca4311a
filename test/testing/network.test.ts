import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestNetwork, TestNetworkError, type TestNetwork } from '../../src/testing/index.js'
import { ASSETS, INIT_REQUIRED } from './contracts.js'

const text = (b: Uint8Array): string => new TextDecoder().decode(b)

describe('createTestNetwork: two orgs, real lifecycle, endorsement, ordering, validation, commit', () => {
  let net: TestNetwork

  beforeAll(async () => {
    net = await createTestNetwork({ orgs: ['Org1MSP', 'Org2MSP'], channel: 'mychannel' })
  }, 60_000)
  afterAll(async () => { await net.close() })

  it('deploys through _lifecycle and runs submit/evaluate', async () => {
    const deployed = await net.deployChaincode('basic', ASSETS, { endorsementPolicy: "AND('Org1MSP.peer','Org2MSP.peer')" })
    expect(deployed.sequence).toBe(1)
    expect(deployed.packageId).toMatch(/^basic_1\.0:[0-9a-f]{64}$/)
    const alice = await net.enroll('Org1MSP', 'alice', { role: 'client', attributes: { dept: 'sales' } })
    const c = net.getContract('basic', { identity: alice })
    const events: string[] = []
    const off = c.onEvent((e) => { events.push(`${e.eventName}:${JSON.parse(text(e.payload)).ID as string}`) })
    expect(JSON.parse(text(await c.submitTransaction('CreateAsset', 'a1', 'blue')))).toEqual({ ID: 'a1', Color: 'blue', Owner: 'Org1MSP' })
    expect(JSON.parse(text(await c.evaluateTransaction('ReadAsset', 'a1')))).toMatchObject({ Color: 'blue' })
    expect(text(await c.evaluateTransaction('Whoami'))).toBe('sales')
    expect(events).toEqual(['CreateAsset:a1'])
    off()
    // Every peer committed the same state.
    for (const peer of net.peers) expect(text((await peer.ledger.state.get('basic', 'a1'))?.value ?? new Uint8Array())).toContain('blue')
  }, 60_000)

  it('chaincode errors reject with the chaincode\'s message', async () => {
    const c = net.getContract('basic')
    await expect(c.evaluateTransaction('ReadAsset', 'missing')).rejects.toThrow('The asset missing does not exist')
    await c.submitTransaction('CreateAsset', 'dup', 'red')
    const err = await c.submitTransaction('CreateAsset', 'dup', 'red').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TestNetworkError)
    expect((err as TestNetworkError).code).toBe('TESTNET_ENDORSEMENT_FAILED')
    expect((err as Error).message).toContain('The asset dup already exists')
  }, 30_000)

  it('concurrent conflicting submissions: one commits, the other fails MVCC_READ_CONFLICT', async () => {
    const c = net.getContract('basic')
    await c.submitTransaction('CreateAsset', 'hot', 'red')
    const [a, b] = await Promise.all([c.submitAsync('Recolor', { arguments: ['hot', 'green'] }), c.submitAsync('Recolor', { arguments: ['hot', 'black'] })])
    const statuses = await Promise.all([a.getStatus(), b.getStatus()])
    expect(statuses.map((s) => s.codeName).sort()).toEqual(['MVCC_READ_CONFLICT', 'VALID'])
    const err = await Promise.all([c.submitTransaction('Recolor', 'hot', 'x'), c.submitTransaction('Recolor', 'hot', 'y')]).catch((e: unknown) => e)
    expect((err as TestNetworkError).validationCode).toBe('MVCC_READ_CONFLICT')
  }, 30_000)

  it('range queries: an insert committed after endorsement is a phantom read', async () => {
    const c = net.getContract('basic')
    const count = await c.endorse('CountAll')
    await c.submitTransaction('CreateAsset', 'zz-new', 'pink')
    const status = await (await count.submit()).getStatus()
    expect(status.codeName).toBe('PHANTOM_READ_CONFLICT')
    // A read-only transaction endorsed against current state commits.
    expect((await (await (await c.endorse('CountAll')).submit()).getStatus()).codeName).toBe('VALID')
  }, 30_000)

  it('replay: the same signed transaction submitted twice is DUPLICATE_TXID', async () => {
    const c = net.getContract('basic')
    const tx = await c.endorse('CreateAsset', { arguments: ['replayed', 'teal'] })
    expect((await (await tx.submit()).getStatus()).codeName).toBe('VALID')
    expect((await (await tx.submit()).getStatus()).codeName).toBe('DUPLICATE_TXID')
  }, 30_000)

  it('an endorsement from one org only fails the AND policy (ENDORSEMENT_POLICY_FAILURE)', async () => {
    const c = net.getContract('basic')
    const ctx = (c as unknown as { ctx: { endorsers: () => unknown[] } }).ctx
    const all = ctx.endorsers
    ctx.endorsers = () => all().slice(0, 1)
    const err = await c.submitTransaction('CreateAsset', 'solo', 'gray').catch((e: unknown) => e)
    ctx.endorsers = all
    expect((err as TestNetworkError).validationCode).toBe('ENDORSEMENT_POLICY_FAILURE')
  }, 30_000)

  it('lifecycle failure cases: wrong sequence, missing approvals', async () => {
    await expect(net.deployChaincode('basic', ASSETS, { version: '2.0', sequence: 5 })).rejects.toThrow(/new definition must be sequence 2/)
    await expect(net.deployChaincode('lonely', ASSETS, { approvingOrgs: ['Org1MSP'] })).rejects.toMatchObject({ validationCode: 'ENDORSEMENT_POLICY_FAILURE' })
    await expect(net.getContract('lonely').evaluateTransaction('CountAll')).rejects.toThrow(/UNKNOWN_CHAINCODE/)
  }, 60_000)

  it('upgrade by sequence + 1 keeps the state and changes the policy', async () => {
    const up = await net.deployChaincode('basic', ASSETS, { version: '2.0' })
    expect(up.sequence).toBe(2)
    const c = net.getContract('basic')
    expect(JSON.parse(text(await c.evaluateTransaction('ReadAsset', 'a1')))).toMatchObject({ Color: 'blue' })
    await c.submitTransaction('CreateAsset', 'a2', 'white')
  }, 60_000)

  it('init-required chaincode must be initialized first', async () => {
    await net.deployChaincode('counter', INIT_REQUIRED, { initRequired: true })
    const c = net.getContract('counter')
    await expect(c.evaluateTransaction('Get')).rejects.toThrow(/INIT_REQUIRED/)
    await c.submit('Init', { isInit: true })
    expect(text(await c.evaluateTransaction('Get'))).toBe('0')
    await expect(c.submit('Init', { isInit: true })).rejects.toThrow(/ALREADY_INITIALIZED/)
  }, 60_000)

  it('qscc answers clients; a closed network refuses work', async () => {
    const q = net.getContract('qscc')
    expect((await q.evaluateTransaction('GetChainInfo', 'mychannel')).length).toBeGreaterThan(0)
    await expect(q.evaluateTransaction('GetBlockByNumber', 'otherchannel', '0')).rejects.toThrow(/invalid chain ID/)
  })
})
