/**
 * qscc, the query system chaincode (Fabric's core/scc/qscc/query.go): ledger queries for
 * clients, each behind its ACL resource (qscc/GetChainInfo, ... → /Channel/Application/Readers).
 * Arguments are Fabric's: function, channel name, then the key (number as decimal text, hash or
 * txId bytes). Results are marshalled BlockchainInfo, Block or ProcessedTransaction.
 *
 * @module
 */
import type { Invocable, ProposalContext } from '../../endorser/endorser.js'
import { LedgerError, type KvLedger } from '../../ledger/index.js'
import { PolicyError, Resources, type AclProvider } from '../../policy/index.js'
import { Block, BlockchainInfo, ProcessedTransaction, encode } from '../../protos/index.js'
import type { InvokeResult, TxContext } from '../types.js'

const FUNCTIONS: Readonly<Record<string, string>> = Object.freeze({
  GetChainInfo: Resources.Qscc_GetChainInfo,
  GetBlockByNumber: Resources.Qscc_GetBlockByNumber,
  GetBlockByHash: Resources.Qscc_GetBlockByHash,
  GetTransactionByID: Resources.Qscc_GetTransactionByID,
  GetBlockByTxID: Resources.Qscc_GetBlockByTxID
})

export class Qscc implements Invocable {
  constructor (private readonly ledger: KvLedger, private readonly acl: AclProvider) {}

  async invoke (ctx: TxContext & { proposal?: ProposalContext }, args: readonly Uint8Array[]): Promise<InvokeResult> {
    const text = args.map((a) => new TextDecoder().decode(a))
    const [fn = '', channel = ''] = text
    if (args.length < 2) return fail(`incorrect number of arguments, ${args.length}`)
    const resource = FUNCTIONS[fn]
    if (resource === undefined) return fail(`requested function ${fn} not found`)
    if (channel !== this.ledger.channelId) return fail(`invalid chain ID, ${channel}`)
    const signed = ctx.proposal?.signedData
    try {
      if (signed === undefined) throw new PolicyError('POLICY_NOT_SATISFIED', 'no signed proposal')
      await this.acl.checkAcl(resource, [signed])
    } catch (err) {
      if (err instanceof PolicyError) return fail(`access denied for [${fn}][${channel}]: ${err.message}`)
      throw err
    }
    try {
      switch (fn) {
        case 'GetChainInfo': return ok(encode(BlockchainInfo, this.ledger.getChainInfo() as BlockchainInfo))
        case 'GetBlockByNumber': {
          const n = Number(text[2])
          if (text[2] === undefined || !Number.isSafeInteger(n) || n < 0) return fail('block number must be a non-negative integer')
          return ok(encode(Block, await this.ledger.getBlockByNumber(n)))
        }
        case 'GetBlockByHash': return ok(encode(Block, await this.ledger.getBlockByHash(args[2] ?? new Uint8Array(0))))
        case 'GetTransactionByID': return ok(encode(ProcessedTransaction, await this.ledger.getTransactionByID(text[2] ?? '')))
        default: return ok(encode(Block, await this.ledger.getBlockByTxID(text[2] ?? '')))
      }
    } catch (err) {
      if (err instanceof LedgerError) return fail(`failed to execute ${fn}: ${err.message}`)
      throw err
    }
  }
}

const ok = (payload: Uint8Array): InvokeResult => ({ status: 200, message: '', payload })
const fail = (message: string): InvokeResult => ({ status: 500, message, payload: new Uint8Array(0) })
