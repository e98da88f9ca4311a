/**
 * Glue between committed `_lifecycle` state and the rest of the peer: the endorsement policy of
 * every namespace (for the validator), the chaincode to run for a name (for the endorser), and
 * state indexes created when a definition commits.
 *
 * Expired definitions: the endorser's resolver reads a chaincode's definition THROUGH the
 * transaction's simulator, so every invocation of a user chaincode records a `_lifecycle` read of
 * that definition at its committed version. A transaction endorsed under a definition that a later
 * `CommitChaincodeDefinition` (sequence + 1) replaced then fails MVCC with MVCC_READ_CONFLICT —
 * Fabric 2's mechanism (core/chaincode/lifecycle/endorsement_info.go CachedChaincodeInfo reads
 * `namespaces/fields/<name>/Sequence` through the simulator on every call, cache hit or not).
 * Fabric's EXPIRED_CHAINCODE (17) belongs to the legacy lscc lifecycle (txvalidator/v14's version
 * check) and is never assigned by the v20 validator, so Weft never assigns it either.
 *
 * @module
 */
import type { ChaincodeResolver, Invocable, ResolvedChaincode } from '../../endorser/endorser.js'
import type { KvLedger, QueryExecutor } from '../../ledger/index.js'
import { SignaturePolicyEvaluator, type ChannelPolicies, type Policy } from '../../policy/index.js'
import type { NamespacePolicyResolver } from '../../validator/index.js'
import type { CommittedBlock } from '../../committer/index.js'
import { ChaincodeRuntime } from '../runtime.js'
import type { LogSink } from '../types.js'
import {
  IMPLICIT_ORG_PREFIX, LIFECYCLE_NAMESPACE, approvalKey, decodeApplicationPolicy, decodeApproval, decodeDefinition, definitionKey,
  implicitNamespace, type ChaincodeDefinition
} from './definition.js'
import type { InstalledChaincodes, InstalledPackage } from './installed.js'

export async function committedDefinition (ledger: KvLedger, name: string): Promise<ChaincodeDefinition | undefined> {
  const v = await ledger.state.get(LIFECYCLE_NAMESPACE, definitionKey(name))
  return v === undefined ? undefined : decodeDefinition(v.value)
}

/**
 * The definition of `name` read through a query executor: with a TxSimulator the rwset records a
 * `_lifecycle` read of `definitionKey(name)` at its committed version.
 *
 * Deviation from Fabric: Fabric reads the field key `namespaces/fields/<name>/Sequence`; Weft keeps
 * a definition as one record under `namespaces/fields/<name>` (definition.ts), rewritten by every
 * commit of a new sequence and only then, so that record's version moves exactly when Fabric's
 * Sequence key's does — the same conflict with one read.
 */
export async function definitionThrough (state: Pick<QueryExecutor, 'getState'>, name: string): Promise<ChaincodeDefinition | undefined> {
  const bytes = await state.getState(LIFECYCLE_NAMESPACE, definitionKey(name))
  return bytes === undefined ? undefined : decodeDefinition(bytes)
}

/** The validator's namespace → policy map (Fabric's v20 plugin reading `_lifecycle`). */
export function lifecyclePolicyResolver (ledger: KvLedger, policies: ChannelPolicies): NamespacePolicyResolver {
  const cache = new Map<string, { sequence: number, policy: Policy }>()
  return async (namespace) => {
    if (namespace === LIFECYCLE_NAMESPACE) return policies.get('/Channel/Application/LifecycleEndorsement')
    if (namespace.startsWith(IMPLICIT_ORG_PREFIX)) return policies.get(`/Channel/Application/${namespace.slice(IMPLICIT_ORG_PREFIX.length)}/Endorsement`)
    const d = await committedDefinition(ledger, namespace)
    if (d === undefined) return undefined
    const hit = cache.get(namespace)
    if (hit?.sequence === d.sequence) return hit.policy
    const ap = decodeApplicationPolicy(d.endorsementPolicy)
    const policy = ap.signaturePolicy !== undefined ? new SignaturePolicyEvaluator(ap.signaturePolicy, policies.msps) : policies.get(ap.channelConfigPolicyReference ?? '')
    if (policy !== undefined) cache.set(namespace, { sequence: d.sequence, policy })
    return policy
  }
}

export interface PeerChaincodesInit {
  ledger: KvLedger
  localMspId: string
  installed: InstalledChaincodes
  system: ReadonlyMap<string, Invocable>
  log?: LogSink
  timeoutMs?: number
}

/**
 * The endorser's resolver: system chaincodes (no `_lifecycle` read, as Fabric's IsSysCC shortcut),
 * then the definition read through the transaction's simulator with this org's approved package.
 */
export class PeerChaincodes {
  readonly #runtimes = new Map<string, Promise<ChaincodeRuntime>>()

  constructor (private readonly init: PeerChaincodesInit) {}

  readonly resolve: ChaincodeResolver = async (name, simulator) => {
    const system = this.init.system.get(name)
    if (system !== undefined) return { chaincode: system, version: 'syscc', system: true, initRequired: false }
    const d = await definitionThrough(simulator, name)
    if (d === undefined) return undefined
    const pkg = await this.#approvedPackage(name, d.sequence)
    if (pkg === undefined) return undefined
    const runtime = await this.#runtime(name, pkg)
    const resolved: ResolvedChaincode = { chaincode: runtime, version: d.version, system: false, initRequired: d.initRequired }
    return resolved
  }

  /** Read from committed state, not the simulator: Fabric keeps the approval in the org's private collection, outside the public rwset. */
  async #approvedPackage (name: string, sequence: number): Promise<InstalledPackage | undefined> {
    const v = await this.init.ledger.state.get(implicitNamespace(this.init.localMspId), approvalKey(name, sequence))
    if (v === undefined) return undefined
    const id = decodeApproval(v.value).packageId
    return id === '' ? undefined : this.init.installed.get(id)
  }

  async #runtime (name: string, pkg: InstalledPackage): Promise<ChaincodeRuntime> {
    const key = `${name}\u0000${pkg.packageId}`
    let r = this.#runtimes.get(key)
    if (r === undefined) {
      r = ChaincodeRuntime.start(pkg.source, { name, localMspId: this.init.localMspId, ...(this.init.log === undefined ? {} : { log: this.init.log }), ...(this.init.timeoutMs === undefined ? {} : { timeoutMs: this.init.timeoutMs }) })
      r.catch(() => this.#runtimes.delete(key))
      this.#runtimes.set(key, r)
    }
    return await r
  }

  /** Committer listener: a committed definition creates the package's state indexes (Fabric does this on commit). */
  readonly onBlock = async (committed: CommittedBlock): Promise<void> => {
    for (const tx of committed.txs) {
      for (const w of tx.writes) {
        if (w.namespace !== LIFECYCLE_NAMESPACE) continue
        for (const key of w.keys) {
          if (!key.startsWith(definitionKey(''))) continue
          const name = key.slice(definitionKey('').length)
          const d = await committedDefinition(this.init.ledger, name)
          const pkg = d === undefined ? undefined : await this.#approvedPackage(name, d.sequence)
          if (pkg !== undefined && pkg.indexes.length > 0) await this.init.ledger.defineIndexes(name, pkg.indexes)
        }
      }
    }
  }

  async close (): Promise<void> {
    const all = [...this.#runtimes.values()]
    this.#runtimes.clear()
    for (const r of all) await (await r.catch(() => undefined))?.close()
  }
}
