/**
 * Issue 6, "expired chaincode definition" (Fabric's validator test ported to the new lifecycle): a
 * transaction endorsed under a chaincode definition that a later CommitChaincodeDefinition replaced
 * must not commit. Fabric 2 catches it by MVCC on the `_lifecycle` definition read every
 * invocation records, so the code is MVCC_READ_CONFLICT (11), not the legacy EXPIRED_CHAINCODE (17).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { committedDefinition } from '../../../src/chaincode/lifecycle/index.js'
import { TxValidationCode } from '../../../src/protos/index.js'
import { createTestNetwork, type TestNetwork } from '../../../src/testing/index.js'
import { ASSETS } from '../../testing/contracts.js'

let net: TestNetwork

/** Peers receive blocks on their own deliver streams: wait until every one has committed `sequence`. */
async function everyPeerAt (name: string, sequence: number): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const seqs = await Promise.all(net.peers.map(async (p) => (await committedDefinition(p.ledger, name))?.sequence ?? 0))
    if (seqs.every((s) => s === sequence)) return
    if (Date.now() > deadline) throw new Error(`peers at sequences ${seqs.join(',')}, expected ${sequence}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

beforeAll(async () => {
  net = await createTestNetwork({ orgs: ['Org1MSP', 'Org2MSP'] })
  await net.deployChaincode('basic', ASSETS, { endorsementPolicy: "AND('Org1MSP.peer','Org2MSP.peer')" })
  await everyPeerAt('basic', 1)
}, 60_000)
afterAll(async () => { await net.close() })

describe('expired chaincode definition', () => {
  it('a transaction endorsed before an upgrade commits as MVCC_READ_CONFLICT, its writes absent; a fresh one is VALID', async () => {
    const c = net.getContract('basic')
    // Endorsed by both orgs: it satisfies the old policy AND the new one, so only the definition change can fail it.
    const stale = await c.endorse('CreateAsset', { arguments: ['stale1', 'red'] })

    const upgraded = await net.deployChaincode('basic', ASSETS, { endorsementPolicy: "OR('Org1MSP.peer','Org2MSP.peer')" })
    expect(upgraded.sequence).toBe(2)
    await everyPeerAt('basic', 2)

    const staleOnEveryPeer = net.peers.map(async (p) => await p.committer.waitForTx(stale.transactionId))
    const status = await (await stale.submit()).getStatus()
    expect(status.code).toBe(TxValidationCode.MVCC_READ_CONFLICT)
    expect(status.codeName).toBe('MVCC_READ_CONFLICT')
    expect((await Promise.all(staleOnEveryPeer)).map((tx) => tx.code)).toEqual(net.peers.map(() => TxValidationCode.MVCC_READ_CONFLICT))
    for (const peer of net.peers) expect(await peer.ledger.state.get('basic', 'stale1')).toBeUndefined()

    const fresh = await c.endorse('CreateAsset', { arguments: ['stale1', 'red'] })
    const freshOnEveryPeer = net.peers.map(async (p) => await p.committer.waitForTx(fresh.transactionId))
    expect((await (await fresh.submit()).getStatus()).codeName).toBe('VALID')
    expect((await Promise.all(freshOnEveryPeer)).map((tx) => tx.code)).toEqual(net.peers.map(() => TxValidationCode.VALID))
    for (const peer of net.peers) expect(new TextDecoder().decode((await peer.ledger.state.get('basic', 'stale1'))?.value)).toContain('"Color":"red"')
  }, 60_000)

  it('without a definition change in between, an endorsed transaction submitted later is VALID', async () => {
    const c = net.getContract('basic')
    const later = await c.endorse('CreateAsset', { arguments: ['later1', 'blue'] })
    await c.submitTransaction('CreateAsset', 'unrelated1', 'green')
    expect((await (await later.submit()).getStatus()).codeName).toBe('VALID')
  }, 30_000)
})
