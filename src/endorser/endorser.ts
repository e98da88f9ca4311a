/**
 * The endorser (Fabric's core/endorser/endorser.go ProcessProposal), checks in Fabric's order:
 *  1. the SignedProposal unpacks (Proposal, Header, ChannelHeader of type ENDORSER_TRANSACTION,
 *     SignatureHeader, ChaincodeHeaderExtension, ChaincodeInvocationSpec);
 *  2. the creator deserializes with a channel MSP, is valid, and signed the proposal bytes;
 *  3. txId = SHA-256(nonce ‖ creator), else BAD_PROPOSAL_TXID;
 *  4. the channel is this peer's; the txId is not already on the ledger (replay);
 *  5. the chaincode resolves (its definition read through the transaction's simulator, so the rwset
 *     records it: Fabric's ChaincodeEndorsementInfo), then for user chaincodes the `peer/Propose`
 *     ACL (system chaincodes check their own, per function);
 *  6. simulate with the chaincode (init-required enforced), then sign the response payload.
 * Failures come back as Fabric does: a ProposalResponse with status 500 and no endorsement; the
 * message starts with a stable code (e.g. `BAD_PROPOSAL_TXID:`) that `rejectionCode` extracts.
 * Chaincode errors keep the chaincode's status (500) and message.
 *
 * @module
 */
import { ChaincodeError } from '../chaincode/errors.js'
import type { InvokeResult, TxContext } from '../chaincode/types.js'
import type { KvLedger, QueryExecutor } from '../ledger/index.js'
import { computeTxId, type Identity, type SigningIdentity } from '../msp/index.js'
import { isIdentityError, PolicyError, Resources, type AclProvider, type MspManager, type SignedData } from '../policy/index.js'
import {
  ChaincodeHeaderExtension, ChaincodeInvocationSpec, ChaincodeProposalPayload, ChannelHeader, Header, HeaderType, Proposal,
  SignatureHeader, SignedProposal, decode, encode
} from '../protos/index.js'
import type { ProposalResponse } from '../protos/index.js'
import { createProposalResponse } from './protoutil.js'

export type RejectionCode =
  | 'BAD_PROPOSAL' | 'BAD_CREATOR' | 'BAD_SIGNATURE' | 'BAD_PROPOSAL_TXID' | 'WRONG_CHANNEL' | 'DUPLICATE_TXID'
  | 'ACCESS_DENIED' | 'UNKNOWN_CHAINCODE' | 'INIT_REQUIRED' | 'ALREADY_INITIALIZED' | 'CHAINCODE_FAILED'

/** What the endorser runs: a user chaincode (ChaincodeRuntime) or a system chaincode. */
export interface Invocable {
  invoke(ctx: TxContext, args: readonly Uint8Array[]): Promise<InvokeResult>
}

export interface ResolvedChaincode {
  chaincode: Invocable
  /** The definition's version (ChaincodeID.version in the response). */
  version: string
  /** System chaincodes check ACLs per function themselves and are never init-checked. */
  system: boolean
  initRequired: boolean
}

/**
 * Fabric's ChaincodeEndorsementInfo(channelID, name, txsim): the resolver reads a user chaincode's
 * definition through the transaction's simulator, so the rwset records the `_lifecycle` read and a
 * transaction endorsed under a since-replaced definition fails MVCC (see chaincode/lifecycle/resolver.ts).
 */
export type ChaincodeResolver = (name: string, simulator: QueryExecutor) => Promise<ResolvedChaincode | undefined>

export interface EndorserInit {
  channelId: string
  ledger: KvLedger
  msps: MspManager
  acl: AclProvider
  /** The peer's identity, which signs endorsements. */
  identity: SigningIdentity
  resolve: ChaincodeResolver
}

/** Fabric's lifecycle marker of an initialized chaincode (core/chaincode/lifecycle InitializedKeyName). */
export const INITIALIZED_KEY = '\u0000\u{10FFFF}initialized'

export interface ProposalContext {
  txId: string
  channelId: string
  creator: Uint8Array
  creatorIdentity: Identity
  timestamp: { seconds: number, nanos: number }
  signedData: SignedData
}

export class Endorser {
  constructor (readonly init: EndorserInit) {}

  async processProposal (signed: SignedProposal | Uint8Array): Promise<ProposalResponse> {
    try {
      return await this.#process(signed)
    } catch (err) {
      if (err instanceof Rejection) return reject(err.code, err.message)
      throw err
    }
  }

  async #process (raw: SignedProposal | Uint8Array): Promise<ProposalResponse> {
    const sp = raw instanceof Uint8Array ? attempt('BAD_PROPOSAL', () => decode(SignedProposal, raw)) : raw
    const proposal = attempt('BAD_PROPOSAL', () => decode(Proposal, sp.proposalBytes))
    const header = attempt('BAD_PROPOSAL', () => decode(Header, proposal.header))
    const chdr = attempt('BAD_PROPOSAL', () => decode(ChannelHeader, header.channelHeader))
    const shdr = attempt('BAD_PROPOSAL', () => decode(SignatureHeader, header.signatureHeader))
    if (chdr.type !== HeaderType.ENDORSER_TRANSACTION) throw new Rejection('BAD_PROPOSAL', `invalid header type ${chdr.type}`)
    const ext = attempt('BAD_PROPOSAL', () => decode(ChaincodeHeaderExtension, chdr.extension))
    const name = ext.chaincodeId?.name ?? ''
    if (name === '') throw new Rejection('BAD_PROPOSAL', 'ChaincodeHeaderExtension.ChaincodeId.Name is empty')
    if (shdr.nonce.length === 0 || shdr.creator.length === 0) throw new Rejection('BAD_PROPOSAL', 'signature header lacks nonce or creator')
    const ccpp = attempt('BAD_PROPOSAL', () => decode(ChaincodeProposalPayload, proposal.payload))
    const spec = attempt('BAD_PROPOSAL', () => decode(ChaincodeInvocationSpec, ccpp.input))
    const input = spec.chaincodeSpec?.input
    if (input === undefined || input.args.length === 0) throw new Rejection('BAD_PROPOSAL', 'no chaincode arguments')

    let creator: Identity
    try {
      creator = this.init.msps.deserializeIdentity(shdr.creator)
      await this.init.msps.validate(creator)
    } catch (err) {
      if (isIdentityError(err)) throw new Rejection('BAD_CREATOR', `access denied: creator: ${(err as Error).message}`)
      throw err
    }
    try {
      await creator.verify(sp.proposalBytes, sp.signature)
    } catch (err) {
      if (isIdentityError(err)) throw new Rejection('BAD_SIGNATURE', 'the creator\'s signature over the proposal is not valid')
      throw err
    }
    if (computeTxId(shdr.nonce, shdr.creator) !== chdr.txId) throw new Rejection('BAD_PROPOSAL_TXID', `incorrect txID ${chdr.txId}`)
    if (chdr.channelId !== this.init.channelId) throw new Rejection('WRONG_CHANNEL', `channel ${chdr.channelId} not found on this peer`)
    if (await this.#onLedger(chdr.txId)) throw new Rejection('DUPLICATE_TXID', `duplicate transaction found [${chdr.txId}]. Creator [${creator.id}]`)

    // Created before resolving, as Fabric does, so the definition read lands in this transaction's rwset.
    const simulator = this.init.ledger.newTxSimulator(chdr.txId)
    let resolved: ResolvedChaincode | undefined
    try {
      resolved = await this.init.resolve(name, simulator)
      if (resolved === undefined) throw new Rejection('UNKNOWN_CHAINCODE', `make sure the chaincode ${name} has been successfully defined on channel ${chdr.channelId} and try again`)
      if (!resolved.system) await this.#checkAcl(Resources.Peer_Propose, creator)
    } catch (err) {
      simulator.done()
      throw err
    }
    const signedData: SignedData = { identity: shdr.creator, data: sp.proposalBytes, signature: sp.signature }
    const ctx: ProposalContext = { txId: chdr.txId, channelId: chdr.channelId, creator: shdr.creator, creatorIdentity: creator, timestamp: chdr.timestamp ?? { seconds: 0, nanos: 0 }, signedData }
    const txContext: TxContext & { proposal: ProposalContext } = {
      txId: ctx.txId,
      channelId: ctx.channelId,
      creator: ctx.creator,
      timestamp: ctx.timestamp,
      signedProposal: encode(SignedProposal, sp),
      transient: ccpp.TransientMap,
      isInit: input.isInit,
      simulator,
      history: this.init.ledger.newHistoryQueryExecutor(),
      invokeChaincode: async (callee, args) => await this.#callChaincode(txContext, callee, args),
      proposal: ctx
    }
    let result: InvokeResult
    try {
      if (!resolved.system && resolved.initRequired) await this.#checkInit(name, resolved.version, input.isInit, txContext)
      result = await resolved.chaincode.invoke(txContext, input.args)
    } catch (err) {
      if (err instanceof ChaincodeError) throw new Rejection('CHAINCODE_FAILED', `error in simulation: ${err.message}`)
      throw err
    } finally {
      simulator.done()
    }
    if (result.status >= 400) {
      // Fabric: a chaincode error is returned as is, with no endorsement.
      return { version: 1, response: { status: result.status, message: result.message, payload: result.payload }, payload: new Uint8Array(0) }
    }
    const results = await simulator.getTxSimulationResults()
    return await createProposalResponse({
      proposal,
      chaincodeName: name,
      chaincodeVersion: resolved.version,
      response: { status: result.status, message: result.message, payload: result.payload },
      results,
      ...(result.event === undefined ? {} : { event: { chaincodeId: name, txId: chdr.txId, eventName: result.event.eventName, payload: result.event.payload } }),
      endorser: this.init.identity
    })
  }

  /** Fabric's CheckACL for this peer's channel (the creator's signature is already verified); throws a Rejection ACCESS_DENIED. */
  async #checkAcl (resource: string, creator: Identity): Promise<void> {
    try {
      await this.init.acl.checkAclForVerified(resource, creator)
    } catch (err) {
      if (err instanceof PolicyError) throw new Rejection('ACCESS_DENIED', err.message)
      throw err
    }
  }

  /** chaincode_support.go CheckInit: an init-required chaincode runs Init once per definition version. */
  async #checkInit (name: string, version: string, isInit: boolean, ctx: TxContext): Promise<void> {
    const value = await ctx.simulator.getState(name, INITIALIZED_KEY)
    const initialized = value !== undefined && new TextDecoder().decode(value) === version
    if (initialized && isInit) throw new Rejection('ALREADY_INITIALIZED', `chaincode '${name}' is already initialized but called as init`)
    if (!initialized && !isInit) throw new Rejection('INIT_REQUIRED', `chaincode '${name}' has not been initialized for this version, must call as init first`)
    if (isInit) ctx.simulator.setState(name, INITIALIZED_KEY, new TextEncoder().encode(version))
  }

  /**
   * Chaincode-to-chaincode on the same channel: same transaction, same simulator — so the callee's
   * definition read is recorded too (Fabric: HandleInvokeChaincode → Invoke → CheckInvocation).
   */
  async #callChaincode (ctx: TxContext & { proposal: ProposalContext }, callee: string, args: Uint8Array[]): Promise<InvokeResult> {
    const resolved = await this.init.resolve(callee, ctx.simulator)
    if (resolved === undefined || resolved.system) return { status: 500, message: `chaincode ${callee} not found`, payload: new Uint8Array(0) }
    try {
      await this.#checkAcl(Resources.Peer_ChaincodeToChaincode, ctx.proposal.creatorIdentity)
    } catch (err) {
      if (err instanceof Rejection) return { status: 500, message: err.message, payload: new Uint8Array(0) }
      throw err
    }
    return await resolved.chaincode.invoke({ ...ctx, isInit: false }, args)
  }

  /**
   * Fabric's endorser asks the ledger for the transaction (GetTransactionByID); existence is
   * what matters, and `txIdsExist` also knows the txIds a snapshot-bootstrapped ledger carries
   * without their blocks (a replay of those must be refused as a duplicate too).
   */
  async #onLedger (txId: string): Promise<boolean> {
    const [exists] = await this.init.ledger.blockStore.txIdsExist([txId])
    return exists === true
  }
}

class Rejection extends Error {
  constructor (readonly code: RejectionCode, message: string) { super(message) }
}

function attempt<T> (code: RejectionCode, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    throw new Rejection(code, `malformed proposal: ${(err as Error).message}`)
  }
}

function reject (code: RejectionCode, message: string): ProposalResponse {
  return { version: 1, response: { status: 500, message: `${code}: ${message}`, payload: new Uint8Array(0) }, payload: new Uint8Array(0) }
}

/** The code of an endorser rejection (`BAD_PROPOSAL_TXID`, ...), or undefined for a chaincode response. */
export function rejectionCode (response: ProposalResponse): RejectionCode | undefined {
  const m = /^([A-Z_]+): /.exec(response.response?.message ?? '')
  return m === null || response.endorsement !== undefined ? undefined : m[1] as RejectionCode
}
