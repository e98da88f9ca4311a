/**
 * Endorsements per second in one peer: the full ProcessProposal path (unpack, creator
 * validation and proposal signature check, txId, replay lookup, peer/Propose ACL, simulation of
 * a put/get contract in the sandbox, rwset, endorsement signature) on a createTestNetwork peer
 * with memory storage. Proposals are signed beforehand so only the endorser is timed.
 * Also the same with 16 proposals in flight, and a full submit (endorse on 2 orgs, order,
 * validate, commit) per second for reference.
 */
import { measure, round } from '../harness.js'
import type { BenchSuite } from '../harness.js'
import { createProposal, signProposal } from '../../src/endorser/index.js'
import type { SignedProposal } from '../../src/protos/index.js'
import { createTestNetwork, type TestPeer } from '../../src/testing/index.js'

const SOURCE = `
const { Contract } = require('fabric-contract-api')
class PutGet extends Contract {
  async Put (ctx, key, value) { await ctx.stub.getState(key); await ctx.stub.putState(key, Buffer.from(value)) }
}
module.exports.contracts = [PutGet]
`

export const suite: BenchSuite = {
  names: ['endorse_per_s', 'endorse_16_inflight_per_s', 'submit_commit_2orgs_per_s'],
  async run (report) {
    const net = await createTestNetwork({ orgs: ['Org1MSP', 'Org2MSP'], channel: 'bench' })
    try {
      await net.deployChaincode('putget', SOURCE)
      const peer = net.peers[0] as TestPeer
      const client = await net.enroll('Org1MSP', 'bench-client')
      const pool: SignedProposal[] = []
      for (let i = 0; i < 4000; i++) {
        const { proposalBytes } = createProposal({ channelId: 'bench', chaincodeName: 'putget', args: ['Put', `k${i % 100}`, 'v'], creator: client })
        pool.push(await signProposal(proposalBytes, client))
      }
      let next = 0
      const one = async (): Promise<void> => {
        const r = await peer.endorser.processProposal(pool[next++ % pool.length] as SignedProposal)
        if (r.response?.status !== 200) throw new Error(`endorsement failed: ${r.response?.message ?? ''}`)
      }
      report({ name: 'endorse_per_s', value: round(await measure(one, { minMs: 1000 }), 3), unit: 'endorsements/s' })
      const sixteen = async (): Promise<void> => { await Promise.all(Array.from({ length: 16 }, one)) }
      report({ name: 'endorse_16_inflight_per_s', value: round(16 * await measure(sixteen, { minMs: 1000 }), 3), unit: 'endorsements/s' })
      const c = net.getContract('putget', { identity: client })
      let k = 0
      report({ name: 'submit_commit_2orgs_per_s', value: round(await measure(async () => { await c.submitTransaction('Put', `s${k++}`, 'v') }, { minMs: 1000 }), 3), unit: 'tx/s' })
    } finally {
      await net.close()
    }
  }
}
