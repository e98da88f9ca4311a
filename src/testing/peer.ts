/**
 * One peer of a test network: ledger, validator + committer, installed packages, `_lifecycle`
 * and qscc system chaincodes, and the endorser — wired as a Fabric peer wires them.
 *
 * @module
 */
import type { LogSink } from '../chaincode/types.js'
import { InstalledChaincodes, LIFECYCLE_NAMESPACE, LifecycleScc, PeerChaincodes, lifecyclePolicyResolver } from '../chaincode/lifecycle/index.js'
import { Qscc } from '../chaincode/system/qscc.js'
import { Committer, ledgerCommittedState } from '../committer/index.js'
import { Endorser, type Invocable } from '../endorser/index.js'
import { KvLedger } from '../ledger/index.js'
import type { Msp, SigningIdentity } from '../msp/index.js'
import { MspManager, SignaturePolicyEvaluator, policyFromString, type AclProvider, type ChannelPolicies, type Policy } from '../policy/index.js'
import type { KvStoreFactory } from '../storage/index.js'
import { BlockValidator } from '../validator/index.js'

export interface TestPeerInit {
  name: string
  mspId: string
  channelId: string
  identity: SigningIdentity
  policies: ChannelPolicies
  acl: AclProvider
  storage: KvStoreFactory
  log?: LogSink
  chaincodeTimeoutMs?: number
  /**
   * The channel's /Channel/Orderer/BlockValidation policy (see `ordererBlockValidation`): every
   * delivered block must carry orderer signatures satisfying it. Unset: not checked (the solo
   * orderer does not sign blocks).
   */
  blockValidation?: Policy
}

/**
 * Fabric's default BlockValidation policy for one orderer org (configtx.yaml's
 * `Signature: OR('OrdererMSP.orderer')`-style rule), evaluated over that org's MSP alone: the
 * peers' channel MSPs need not include the orderer org for the check.
 */
export function ordererBlockValidation (ordererMsp: Msp): Policy {
  return new SignaturePolicyEvaluator(policyFromString(`OR('${ordererMsp.mspId}.orderer')`), new MspManager([ordererMsp]))
}

export class TestPeer {
  /** Blocks delivered to this peer that it refused to commit (bad hash, signature, chain), oldest first. */
  readonly commitErrors: unknown[] = []
  readonly #reachWaiters = new Set<() => void>()

  private constructor (
    readonly name: string,
    readonly mspId: string,
    readonly identity: SigningIdentity,
    readonly ledger: KvLedger,
    readonly committer: Committer,
    readonly endorser: Endorser,
    readonly installed: InstalledChaincodes,
    readonly chaincodes: PeerChaincodes
  ) {}

  static async create (init: TestPeerInit): Promise<TestPeer> {
    const ledger = await KvLedger.open({ channelId: init.channelId, storage: init.storage })
    const msps = init.policies.msps
    const validator = new BlockValidator({ channelId: init.channelId, msps, state: ledgerCommittedState(ledger), policyFor: lifecyclePolicyResolver(ledger, init.policies), ...(init.blockValidation === undefined ? {} : { blockValidation: init.blockValidation }) })
    const committer = new Committer(ledger, validator)
    const installed = new InstalledChaincodes()
    const system = new Map<string, Invocable>([
      [LIFECYCLE_NAMESPACE, new LifecycleScc({ localMspId: init.mspId, msps, acl: init.acl, orgs: () => init.policies.orgs, installed })],
      ['qscc', new Qscc(ledger, init.acl)]
    ])
    const chaincodes = new PeerChaincodes({ ledger, localMspId: init.mspId, installed, system, ...(init.log === undefined ? {} : { log: init.log }), ...(init.chaincodeTimeoutMs === undefined ? {} : { timeoutMs: init.chaincodeTimeoutMs }) })
    committer.onBlock(chaincodes.onBlock)
    const endorser = new Endorser({ channelId: init.channelId, ledger, msps, acl: init.acl, identity: init.identity, resolve: chaincodes.resolve })
    return new TestPeer(init.name, init.mspId, init.identity, ledger, committer, endorser, installed, chaincodes)
  }

  /** Records a delivered block this peer refused; wakes `reached` waiters (that block will never commit). */
  refused (err: unknown): void {
    this.commitErrors.push(err)
    for (const wake of this.#reachWaiters) wake()
  }

  /**
   * Resolves once this peer has committed block `blockNum` — or has refused a block, after
   * which it never will (see `commitErrors`). Peers commit independently: the test network's
   * `getStatus` waits for every peer this way, so a call right after a submit sees the same
   * state on every endorser.
   */
  async reached (blockNum: number): Promise<void> {
    const errorsBefore = this.commitErrors.length
    const done = (): boolean => this.ledger.blockStore.height > blockNum || this.commitErrors.length > errorsBefore
    if (done()) return
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (!done()) return
        this.#reachWaiters.delete(check)
        unsubscribe()
        resolve()
      }
      const unsubscribe = this.committer.onBlock(check)
      this.#reachWaiters.add(check)
    })
  }

  async close (): Promise<void> {
    await this.chaincodes.close()
    await this.ledger.close()
  }
}
