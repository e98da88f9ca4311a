/**
 * The `_lifecycle` system chaincode (Fabric's core/chaincode/lifecycle/scc.go + lifecycle.go):
 * functions take and return Fabric's lifecycle protobuf messages (args[1]), rules as Fabric:
 * - InstallChaincode / QueryInstalledChaincodes: an admin of the peer's own org, peer-local;
 * - ApproveChaincodeDefinitionForMyOrg: an admin of the peer's org; the sequence must be the
 *   committed one + 1 (or equal to it with identical parameters);
 * - CheckCommitReadiness: which orgs approved exactly these parameters;
 * - CommitChaincodeDefinition: sequence = committed + 1 and this peer's org approved it (so the
 *   LifecycleEndorsement policy — MAJORITY of orgs by default — means a majority approved);
 * - QueryChaincodeDefinition(s), QueryApprovedChaincodeDefinition.
 *
 * @module
 */
import type { InvokeResult, TxContext } from '../types.js'
import type { Invocable, ProposalContext } from '../../endorser/endorser.js'
import { PolicyError, Resources, type AclProvider, type MspManager } from '../../policy/index.js'
import {
  ApproveChaincodeDefinitionForMyOrgArgs, ApproveChaincodeDefinitionForMyOrgResult, CheckCommitReadinessArgs, CheckCommitReadinessResult,
  CommitChaincodeDefinitionArgs, CommitChaincodeDefinitionResult, InstallChaincodeArgs, InstallChaincodeResult,
  QueryApprovedChaincodeDefinitionArgs, QueryApprovedChaincodeDefinitionResult, QueryChaincodeDefinitionArgs, QueryChaincodeDefinitionResult,
  QueryChaincodeDefinitionsResult, QueryInstalledChaincodesResult, decode, encode
} from '../../protos/index.js'
import type { ProtoMessage } from '../../protos/index.js'
import {
  LIFECYCLE_NAMESPACE, approvalKey, decodeApproval, decodeDefinition, definitionKey, encodeApproval, encodeDefinition,
  implicitNamespace, mismatches, type ChaincodeDefinition, type ChaincodeParameters
} from './definition.js'
import { LifecycleError } from './errors.js'
import type { InstalledChaincodes } from './installed.js'
import { openPackage } from './package.js'

export interface LifecycleSccInit {
  localMspId: string
  msps: MspManager
  acl: AclProvider
  /** Every application org of the channel (for approvals maps). */
  orgs: () => readonly string[]
  installed: InstalledChaincodes
}

type Ctx = TxContext & { proposal?: ProposalContext }
const EMPTY = new Uint8Array(0)

export class LifecycleScc implements Invocable {
  constructor (readonly init: LifecycleSccInit) {}

  async invoke (ctx: Ctx, args: readonly Uint8Array[]): Promise<InvokeResult> {
    const fn = new TextDecoder().decode(args[0] ?? EMPTY)
    const input = args[1] ?? EMPTY
    try {
      switch (fn) {
        case 'InstallChaincode': return ok(await this.#install(ctx, input))
        case 'QueryInstalledChaincodes': return ok(await this.#queryInstalled(ctx))
        case 'ApproveChaincodeDefinitionForMyOrg': return ok(await this.#approve(ctx, input))
        case 'CheckCommitReadiness': return ok(await this.#checkCommitReadiness(ctx, input))
        case 'CommitChaincodeDefinition': return ok(await this.#commit(ctx, input))
        case 'QueryChaincodeDefinition': return ok(await this.#queryDefinition(ctx, input))
        case 'QueryChaincodeDefinitions': return ok(await this.#queryDefinitions(ctx))
        case 'QueryApprovedChaincodeDefinition': return ok(await this.#queryApproved(ctx, input))
        default: return failure(`unknown function ${fn} of _lifecycle`)
      }
    } catch (err) {
      if (err instanceof LifecycleError || err instanceof PolicyError) return failure(`failed to invoke backing implementation of '${fn}': ${err.message}`)
      throw err
    }
  }

  async #install (ctx: Ctx, input: Uint8Array): Promise<Uint8Array> {
    await this.#requireLocalAdmin(ctx)
    const args = parse(InstallChaincodeArgs, input)
    const pkg = await openPackage(args.chaincodeInstallPackage)
    const installed = this.init.installed.install({ ...pkg, bytes: args.chaincodeInstallPackage })
    return encode(InstallChaincodeResult, { packageId: installed.packageId, label: installed.label })
  }

  async #queryInstalled (ctx: Ctx): Promise<Uint8Array> {
    await this.#requireLocalAdmin(ctx)
    return encode(QueryInstalledChaincodesResult, {
      installedChaincodes: this.init.installed.list().map((p) => ({ packageId: p.packageId, label: p.label, references: new Map() }))
    })
  }

  async #approve (ctx: Ctx, input: Uint8Array): Promise<Uint8Array> {
    await this.#requireLocalAdmin(ctx)
    const args = parse(ApproveChaincodeDefinitionForMyOrgArgs, input)
    checkName(args.name)
    const params = paramsOf(args)
    const current = await this.#committed(ctx, args.name)
    const currentSequence = current?.sequence ?? 0
    if (args.sequence < currentSequence) throw new LifecycleError('LIFECYCLE_BAD_SEQUENCE', `currently defined sequence ${currentSequence} is larger than requested sequence ${args.sequence}`)
    if (args.sequence > currentSequence + 1) throw new LifecycleError('LIFECYCLE_BAD_SEQUENCE', `requested sequence is ${args.sequence}, but new definition must be sequence ${currentSequence + 1}`)
    if (args.sequence === currentSequence && current !== undefined && mismatches(current, params).length > 0) {
      throw new LifecycleError('LIFECYCLE_BAD_SEQUENCE', `attempted to redefine the current committed sequence (${currentSequence}) for namespace ${args.name} with different parameters`)
    }
    const packageId = args.source?.localPackage?.packageId ?? ''
    if (packageId !== '' && this.init.installed.get(packageId) === undefined) {
      throw new LifecycleError('LIFECYCLE_NOT_INSTALLED', `chaincode package ${packageId} is not installed on this peer`)
    }
    ctx.simulator.setState(implicitNamespace(this.init.localMspId), approvalKey(args.name, args.sequence), encodeApproval({ ...params, sequence: args.sequence, packageId }))
    return encode(ApproveChaincodeDefinitionForMyOrgResult, {})
  }

  async #checkCommitReadiness (ctx: Ctx, input: Uint8Array): Promise<Uint8Array> {
    await this.#checkAcl(ctx, Resources.Lifecycle_CheckCommitReadiness)
    const args = parse(CheckCommitReadinessArgs, input)
    checkName(args.name)
    const { approvals, mismatched } = await this.#approvals(ctx, args.name, args.sequence, paramsOf(args))
    return encode(CheckCommitReadinessResult, { approvals, mismatches: new Map([...mismatched].map(([org, items]) => [org, { items }])) })
  }

  async #commit (ctx: Ctx, input: Uint8Array): Promise<Uint8Array> {
    await this.#checkAcl(ctx, Resources.Lifecycle_CommitChaincodeDefinition)
    const args = parse(CommitChaincodeDefinitionArgs, input)
    checkName(args.name)
    const currentSequence = (await this.#committed(ctx, args.name))?.sequence ?? 0
    if (args.sequence !== currentSequence + 1) throw new LifecycleError('LIFECYCLE_BAD_SEQUENCE', `requested sequence is ${args.sequence}, but new definition must be sequence ${currentSequence + 1}`)
    const params = paramsOf(args)
    const { approvals } = await this.#approvals(ctx, args.name, args.sequence, params)
    if (approvals.get(this.init.localMspId) !== true) throw new LifecycleError('LIFECYCLE_NOT_APPROVED', `chaincode definition not agreed to by this org (${this.init.localMspId})`)
    const definition: ChaincodeDefinition = { name: args.name, sequence: args.sequence, ...params }
    ctx.simulator.setState(LIFECYCLE_NAMESPACE, definitionKey(args.name), encodeDefinition(definition))
    return encode(CommitChaincodeDefinitionResult, {})
  }

  async #queryDefinition (ctx: Ctx, input: Uint8Array): Promise<Uint8Array> {
    await this.#checkAcl(ctx, Resources.Lifecycle_QueryChaincodeDefinition)
    const args = parse(QueryChaincodeDefinitionArgs, input)
    const d = await this.#committed(ctx, args.name)
    if (d === undefined) throw new LifecycleError('LIFECYCLE_NOT_FOUND', `namespace ${args.name} is not defined`)
    const { approvals } = await this.#approvals(ctx, d.name, d.sequence, d)
    return encode(QueryChaincodeDefinitionResult, {
      sequence: d.sequence, version: d.version, endorsementPlugin: 'escc', validationPlugin: 'vscc', validationParameter: d.endorsementPolicy as Uint8Array<ArrayBuffer>, initRequired: d.initRequired, collections: { config: [] }, approvals
    })
  }

  async #queryDefinitions (ctx: Ctx): Promise<Uint8Array> {
    await this.#checkAcl(ctx, Resources.Lifecycle_QueryChaincodeDefinitions)
    const it = await ctx.simulator.getStateRangeScanIterator(LIFECYCLE_NAMESPACE, definitionKey(''), definitionKey('\u{10FFFF}'))
    const defs: ChaincodeDefinition[] = []
    try {
      for (let kv = await it.next(); kv !== undefined; kv = await it.next()) defs.push(decodeDefinition(kv.value))
    } finally {
      await it.close()
    }
    return encode(QueryChaincodeDefinitionsResult, {
      chaincodeDefinitions: defs.map((d) => ({ name: d.name, sequence: d.sequence, version: d.version, endorsementPlugin: 'escc', validationPlugin: 'vscc', validationParameter: d.endorsementPolicy as Uint8Array<ArrayBuffer>, initRequired: d.initRequired, collections: { config: [] } }))
    })
  }

  async #queryApproved (ctx: Ctx, input: Uint8Array): Promise<Uint8Array> {
    await this.#requireLocalAdmin(ctx)
    const args = parse(QueryApprovedChaincodeDefinitionArgs, input)
    const bytes = await ctx.simulator.getState(implicitNamespace(this.init.localMspId), approvalKey(args.name, args.sequence))
    if (bytes === undefined) throw new LifecycleError('LIFECYCLE_NOT_FOUND', `could not fetch approved definition (name: ${args.name}, sequence: ${args.sequence})`)
    const a = decodeApproval(bytes)
    return encode(QueryApprovedChaincodeDefinitionResult, {
      sequence: a.sequence, version: a.version, endorsementPlugin: 'escc', validationPlugin: 'vscc', validationParameter: a.endorsementPolicy as Uint8Array<ArrayBuffer>, initRequired: a.initRequired, collections: { config: [] },
      source: a.packageId === '' ? { unavailable: {} } : { localPackage: { packageId: a.packageId } }
    })
  }

  async #committed (ctx: Ctx, name: string): Promise<ChaincodeDefinition | undefined> {
    const bytes = await ctx.simulator.getState(LIFECYCLE_NAMESPACE, definitionKey(name))
    return bytes === undefined ? undefined : decodeDefinition(bytes)
  }

  async #approvals (ctx: Ctx, name: string, sequence: number, params: ChaincodeParameters): Promise<{ approvals: Map<string, boolean>, mismatched: Map<string, string[]> }> {
    const approvals = new Map<string, boolean>()
    const mismatched = new Map<string, string[]>()
    for (const org of this.init.orgs()) {
      const bytes = await ctx.simulator.getState(implicitNamespace(org), approvalKey(name, sequence))
      const diff = bytes === undefined ? ['Version', 'ValidationParameter', 'InitRequired', 'Collections'] : mismatches(decodeApproval(bytes), params)
      approvals.set(org, diff.length === 0)
      if (diff.length > 0) mismatched.set(org, diff)
    }
    return { approvals, mismatched }
  }

  async #requireLocalAdmin (ctx: Ctx): Promise<void> {
    let admin: boolean
    try {
      const identity = this.init.msps.deserializeIdentity(ctx.creator)
      const msp = this.init.msps.get(this.init.localMspId)
      admin = identity.mspId === this.init.localMspId && msp !== undefined && await msp.isAdmin(identity)
    } catch {
      admin = false
    }
    if (!admin) throw new LifecycleError('LIFECYCLE_ACCESS_DENIED', `access denied: the creator is not an admin of ${this.init.localMspId}`)
  }

  async #checkAcl (ctx: Ctx, resource: string): Promise<void> {
    const signed = ctx.proposal?.signedData
    if (signed === undefined) throw new LifecycleError('LIFECYCLE_ACCESS_DENIED', `access denied for ${resource}: no signed proposal`)
    await this.init.acl.checkAcl(resource, [signed])
  }
}

function paramsOf (args: { version: string, validationParameter: Uint8Array, initRequired: boolean, collections?: { config: unknown[] } }): ChaincodeParameters {
  if (typeof args.version !== 'string' || args.version === '') throw new LifecycleError('LIFECYCLE_BAD_INPUT', 'version must be set')
  return {
    version: args.version,
    endorsementPolicy: args.validationParameter,
    initRequired: args.initRequired,
    // Private data collections are not supported yet: any collection package is kept as is for comparison.
    collections: args.collections === undefined || args.collections.config.length === 0 ? new Uint8Array(0) : new TextEncoder().encode(JSON.stringify(args.collections))
  }
}

/** Fabric's chaincode name rule (lifecycle ChaincodeNameRegExp). */
function checkName (name: string): void {
  if (!/^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/.test(name)) throw new LifecycleError('LIFECYCLE_BAD_INPUT', `invalid chaincode name '${name}'. Names can only consist of alphanumerics, '_', and '-'`)
}

function parse<T> (message: ProtoMessage<T>, bytes: Uint8Array): T {
  try {
    return decode(message, bytes)
  } catch (err) {
    throw new LifecycleError('LIFECYCLE_BAD_INPUT', `arguments do not decode: ${(err as Error).message}`, { cause: err })
  }
}

const ok = (payload: Uint8Array): InvokeResult => ({ status: 200, message: '', payload })
const failure = (message: string): InvokeResult => ({ status: 500, message, payload: EMPTY })
