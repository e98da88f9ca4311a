/**
 * The test network's ordering service: Raft on 1, 3 or 5 in-process consenters (the default), or
 * the solo orderer. Both sit behind Fabric's Broadcast/Deliver as the small `OrderingService`.
 *
 * @module
 */
import { ChannelPolicyAuthorizer, DEFAULT_BATCH_CONFIG, RaftOrderingService } from '../orderer/index.js'
import { DEFAULT_ETCDRAFT_OPTIONS } from '../orderer/raft/config.js'
import { SoloOrderer, type OrderingService } from '../orderer/solo/index.js'
import type { ChannelPolicies } from '../policy/index.js'
import type { Block } from '../protos/index.js'
import { systemClock } from '../shared/clock.js'
import { TestNetworkError } from './errors.js'
import { genesisBlock } from './genesis.js'
import { TestOrg } from './org.js'

/** 'solo', or Raft with this many consenters (default 1). */
export type TestOrdererOption = 'solo' | { consenters?: 1 | 3 | 5 }

/** MSP of the test network's consenters (Fabric's test-network OrdererOrg). */
export const TEST_ORDERER_MSP = 'OrdererMSP'

/**
 * Raft timing for one process: 10 ms ticks elect a leader in 100–200 ms instead of the browser
 * default's 1–2 s (there is no network latency in-process), so tests stay fast.
 */
const TEST_TICK_INTERVAL_MS = 10

export interface TestOrderer {
  service: OrderingService
  /** Block 0 the peers join with; undefined for solo (its first block is block 0, holding transactions). */
  genesis: Block | undefined
  /** The consenters' org, whose orderer identities sign every block; undefined for solo (unsigned blocks). */
  org: TestOrg | undefined
}

/** The Raft consenter count of an option, or undefined for solo; throws TESTNET_BAD_INPUT on anything else. */
export function consentersOf (option: TestOrdererOption | undefined): 1 | 3 | 5 | undefined {
  if (option === 'solo') return undefined
  const consenters = option === undefined ? 1 : typeof option === 'object' && option !== null ? option.consenters ?? 1 : undefined
  if (consenters !== 1 && consenters !== 3 && consenters !== 5) {
    throw new TestNetworkError('TESTNET_BAD_INPUT', "options.orderer must be 'solo' or { consenters: 1 | 3 | 5 }")
  }
  return consenters
}

export async function createTestOrderer (init: { option: TestOrdererOption | undefined, channel: string, policies: ChannelPolicies, batchTimeoutMs: number }): Promise<TestOrderer> {
  const consenters = consentersOf(init.option)
  if (consenters === undefined) return { service: new SoloOrderer({ batchTimeoutMs: init.batchTimeoutMs }), genesis: undefined, org: undefined }
  const org = await TestOrg.create(TEST_ORDERER_MSP)
  const ids = Array.from({ length: consenters }, (_, i) => i + 1)
  const signers = await Promise.all(ids.map(async (id) => await org.enroll(`orderer${id}`, { role: 'orderer' })))
  const genesis = genesisBlock(init.channel, ids.map((id, i) => ({ id, mspId: TEST_ORDERER_MSP, identity: (signers[i] as (typeof signers)[number]).serialize() })))
  const service = await RaftOrderingService.create({
    consenters,
    channelId: init.channel,
    genesis,
    clock: systemClock,
    signerFor: (id) => signers[id - 1] as (typeof signers)[number],
    options: { ...DEFAULT_ETCDRAFT_OPTIONS, tickIntervalMs: TEST_TICK_INTERVAL_MS },
    batch: { ...DEFAULT_BATCH_CONFIG, batchTimeoutMs: init.batchTimeoutMs },
    // Broadcast needs the channel's Writers (admins and clients of any org), as Fabric's SigFilter.
    authorizer: new ChannelPolicyAuthorizer({ writers: init.policies.require('/Channel/Application/Writers') }),
    seed: 1,
    retryMs: 10
  })
  return { service, genesis, org }
}
