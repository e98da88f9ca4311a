/**
 * A client's handle on one chaincode, in the shape of Fabric Gateway's Contract:
 * evaluateTransaction (one peer, nothing ordered), submitTransaction (endorse on every org's
 * peer, order, wait for commit), submitAsync, and chaincode events of committed transactions.
 *
 * @module
 */
import type { CommittedTx } from '../committer/index.js'
import { createProposal, createSignedTransaction, rejectionCode, signProposal } from '../endorser/index.js'
import type { SigningIdentity } from '../msp/index.js'
import { txValidationCodeName, type ProposalResponse } from '../protos/index.js'
import { TestNetworkError } from './errors.js'
import type { TestPeer } from './peer.js'
import type { OrderingService } from '../orderer/solo/index.js'

export interface ChaincodeEventRecord {
  chaincodeName: string
  eventName: string
  payload: Uint8Array
  txId: string
  blockNumber: number
}

export interface ProposalOptions {
  arguments?: ReadonlyArray<string | Uint8Array>
  transient?: ReadonlyMap<string, Uint8Array> | Record<string, Uint8Array | string>
  /** Run as the chaincode's Init (init-required chaincodes). */
  isInit?: boolean
}

export interface SubmittedTransaction {
  transactionId: string
  result: Uint8Array
  /** Waits for the commit; `successful` is true when VALID. */
  getStatus(): Promise<{ code: number, codeName: string, successful: boolean, blockNumber: number }>
}

export interface EndorsedTransaction {
  transactionId: string
  result: Uint8Array
  submit(): Promise<SubmittedTransaction>
}

export interface ContractContext {
  channelId: string
  identity: SigningIdentity
  /** Peers that endorse submissions (one per org); the first of the identity's org evaluates and reports commits. */
  endorsers: () => readonly TestPeer[]
  home: TestPeer
  /** Every peer of the network: a transaction's status is reported once all of them committed its block. */
  peers: () => readonly TestPeer[]
  orderer: OrderingService
  checkOpen: () => void
}

export class Contract {
  constructor (readonly chaincodeName: string, private readonly ctx: ContractContext) {}

  async evaluateTransaction (fn: string, ...args: Array<string | Uint8Array>): Promise<Uint8Array> {
    return await this.evaluate(fn, { arguments: args })
  }

  async evaluate (fn: string, options: ProposalOptions = {}): Promise<Uint8Array> {
    this.ctx.checkOpen()
    const { signed } = await this.#proposal(fn, options)
    const response = await this.ctx.home.endorser.processProposal(signed)
    return checkResponse(response).slice()
  }

  async submitTransaction (fn: string, ...args: Array<string | Uint8Array>): Promise<Uint8Array> {
    return await this.submit(fn, { arguments: args })
  }

  async submit (fn: string, options: ProposalOptions = {}): Promise<Uint8Array> {
    const tx = await this.submitAsync(fn, options)
    const status = await tx.getStatus()
    if (!status.successful) {
      throw new TestNetworkError('TESTNET_TX_INVALID', `transaction ${tx.transactionId} failed to commit with status code ${status.code} (${status.codeName})`, { validationCode: status.codeName })
    }
    return tx.result
  }

  async submitAsync (fn: string, options: ProposalOptions = {}): Promise<SubmittedTransaction> {
    return await (await this.endorse(fn, options)).submit()
  }

  /**
   * Endorses without submitting (Fabric Gateway's Proposal.endorse): the returned transaction
   * is ordered only when `submit()` is called — tests use it to interleave transactions.
   */
  async endorse (fn: string, options: ProposalOptions = {}): Promise<EndorsedTransaction> {
    this.ctx.checkOpen()
    const { signed, proposal, txId } = await this.#proposal(fn, options)
    const responses = await Promise.all(this.ctx.endorsers().map(async (peer) => await peer.endorser.processProposal(signed)))
    responses.forEach(checkResponse)
    const result = (responses[0] as ProposalResponse).response?.payload ?? new Uint8Array(0)
    let envelope: Uint8Array
    try {
      envelope = await createSignedTransaction(proposal, this.ctx.identity, responses)
    } catch (err) {
      throw new TestNetworkError('TESTNET_ENDORSEMENT_FAILED', `endorsements do not agree: ${(err as Error).message}`, { cause: err })
    }
    return {
      transactionId: txId,
      result: result.slice(),
      submit: async () => {
        this.ctx.checkOpen()
        const committed = this.ctx.home.committer.waitForTx(txId)
        await this.ctx.orderer.broadcast(envelope)
        return {
          transactionId: txId,
          result: result.slice(),
          getStatus: async () => {
            const tx: CommittedTx = await committed
            // The status is the home peer's (as a Fabric Gateway reports its own peer's); the
            // test network also waits for the other peers, which commit independently, so that
            // the next call sees this transaction on whichever peer it reaches.
            await Promise.all(this.ctx.peers().map(async (peer) => { await peer.reached(tx.blockNum) }))
            return { code: tx.code, codeName: txValidationCodeName(tx.code) ?? String(tx.code), successful: tx.code === 0, blockNumber: tx.blockNum }
          }
        }
      }
    }
  }

  /** Calls `listener` for each event this chaincode emits in a committed, valid transaction. */
  onEvent (listener: (event: ChaincodeEventRecord) => void): () => void {
    return this.ctx.home.committer.onBlock((block) => {
      for (const tx of block.txs) {
        if (tx.event === undefined || tx.event.chaincodeId !== this.chaincodeName) continue
        listener({ chaincodeName: tx.event.chaincodeId, eventName: tx.event.eventName, payload: tx.event.payload, txId: tx.txId, blockNumber: block.blockNum })
      }
    })
  }

  async #proposal (fn: string, options: ProposalOptions): Promise<{ signed: Awaited<ReturnType<typeof signProposal>>, proposal: ReturnType<typeof createProposal>['proposal'], txId: string }> {
    if (typeof fn !== 'string' || fn === '') throw new TestNetworkError('TESTNET_BAD_INPUT', 'transaction name must be a non-empty string')
    const transient = options.transient === undefined
      ? undefined
      : options.transient instanceof Map
        ? options.transient
        : new Map(Object.entries(options.transient).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v) : v]))
    const { proposal, proposalBytes, txId } = createProposal({
      channelId: this.ctx.channelId,
      chaincodeName: this.chaincodeName,
      args: [fn, ...(options.arguments ?? [])],
      creator: this.ctx.identity,
      ...(transient === undefined ? {} : { transient }),
      ...(options.isInit === true ? { isInit: true } : {})
    })
    return { signed: await signProposal(proposalBytes, this.ctx.identity), proposal, txId }
  }
}

/** The response payload of a successful proposal; throws with the endorser's or chaincode's message otherwise. */
function checkResponse (response: ProposalResponse): Uint8Array {
  const status = response.response?.status ?? 0
  if (status >= 200 && status < 400 && (response.endorsement !== undefined || rejectionCode(response) === undefined)) return response.response?.payload ?? new Uint8Array(0)
  throw new TestNetworkError('TESTNET_ENDORSEMENT_FAILED', response.response?.message ?? `status ${status}`, { status })
}
