/**
 * The reference block validator (Fabric's core/committer/txvalidator/v20/validator.go plus the
 * ledger's MVCC pass): assigns every transaction of a block Fabric's TxValidationCode, in
 * Fabric's order of checks. Written for clarity — the WASM validator (issue 6) must agree with
 * it code for code.
 *
 * Per transaction, in order:
 *  1. structure (parse.ts): NIL_ENVELOPE, BAD_PAYLOAD, BAD_COMMON_HEADER, BAD_CHANNEL_HEADER,
 *     UNKNOWN_TX_TYPE, BAD_HEADER_EXTENSION, INVALID_ENDORSER_TRANSACTION, BAD_RWSET, ...
 *  2. BAD_CREATOR_SIGNATURE: the creator deserializes with a channel MSP, is valid, and signed
 *     the payload;
 *  3. BAD_PROPOSAL_TXID: txId = SHA-256(nonce ‖ creator);
 *  4. TARGET_CHAIN_NOT_FOUND: the channel header names this channel;
 *  5. DUPLICATE_TXID: the txId is already on the ledger;
 *  6. BAD_RESPONSE_PAYLOAD: the chaincode response is not a success (status outside [200, 400));
 *  7. ILLEGAL_WRITESET (writes to a system chaincode namespace), INVALID_CHAINCODE (a written or
 *     invoked namespace without a chaincode definition), ENDORSEMENT_POLICY_FAILURE (endorsement.ts);
 * then for the block, in block order:
 *  8. ENDORSEMENT_POLICY_FAILURE when an earlier transaction of the block, valid so far, wrote
 *     the metadata of a key (value or metadata) this one writes in the same namespace (Fabric's
 *     key-level validation-parameter dependency, core/common/validation/statebased/
 *     vpmanagerimpl.go: part of the endorsement plugin, so it runs before the duplicate and
 *     MVCC passes and counts an earlier transaction as valid by its plugin-phase result);
 *  9. DUPLICATE_TXID for a txId seen earlier in the block (Fabric's markTXIdDuplicates,
 *     whatever the earlier one's code);
 * 10. MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT: the ledger's MVCC pass over the whole block
 *     (mvcc-wasm/: WASM solver, TypeScript reference as fallback; docs/mvcc-wasm.md).
 * EXPIRED_CHAINCODE (17) is never assigned: Fabric's v20 validator does not use it (only v14's
 * lscc version check does). A transaction endorsed under a replaced chaincode definition fails
 * step 10 through the `_lifecycle` definition read every invocation records (docs/lifecycle.md).
 *
 * @module
 */
import type { Verifier } from '../crypto/verifier.js'
import { defaultVerifier } from '../crypto/verifier-default.js'
import { computeTxIds } from '../msp/index.js'
import type { MspManager, Policy } from '../policy/index.js'
import { TxValidationCode, type Block, type BlockHeader } from '../protos/index.js'
import { checkBlockShape, checkBlockSignatures, checkChain, type ChainTip } from './block-checks.js'
import { namespaceEndorsed } from './endorsement.js'
import { committedVersionReader, validateBlockRwsets } from './mvcc-wasm/index.js'
import { parseTransaction, writtenNamespaces, type ParsedTx } from './parse.js'
import { PrefetchingState } from './prefetch.js'
import { SignatureBatch, verifiedEndorsers, type TxSignatures } from './signatures.js'
import type { CommittedState } from './state.js'

/** Endorsement policy of a namespace; undefined when no chaincode is defined under that name. */
export type NamespacePolicyResolver = (namespace: string) => Promise<Policy | undefined>

export interface ValidatorInit {
  channelId: string
  msps: MspManager
  state: CommittedState
  policyFor: NamespacePolicyResolver
  /** Namespaces no transaction may write (Fabric's system chaincodes). */
  systemNamespaces?: readonly string[]
  /**
   * The channel's /Channel/Orderer/BlockValidation policy: when set, every block's SIGNATURES
   * metadata must satisfy it (over MSPs that include the orderer org) before its transactions
   * are validated. Unset: orderer signatures are not checked (tests of transaction rules only).
   */
  blockValidation?: Policy
  /** Verifies creator and endorsement signatures, a whole block per call. Default `defaultVerifier()`. */
  verifier?: Verifier
}

export interface ValidateOptions {
  /** When given, the block must continue this chain (number and previous hash). */
  chainTip?: ChainTip
}

/** Milliseconds spent per phase of the last validated block, so the next bottleneck is visible. */
export interface ValidationTimings {
  /** Block checks (data hash, orderer signature; the chain check is in `policyMs`). */
  blockMs: number
  /** Decoding envelopes, deserializing and validating creators and endorsers. */
  parseMs: number
  /**
   * From the one `verifyBatch` call over all creator and endorsement signatures to its verdicts.
   * With a worker pool this runs beside other work (`signatureWaitMs` is what it held up).
   */
  signatureMs: number
  /** How long `finish` waited for the verdicts after its own reads were issued. */
  signatureWaitMs: number
  /** Per-transaction checks after signatures: txId, duplicates on the ledger, endorsement policies. */
  policyMs: number
  /** In-block passes and the MVCC / phantom-read pass. */
  mvccMs: number
  /** Wall time from `prepare` to the end of `finish` (blocks overlap when pipelined). */
  totalMs: number
  signatures: number
}

export interface TxResult {
  code: TxValidationCode
  /** Empty when the envelope had no readable channel header. */
  txId: string
  /** Why the transaction is invalid (for logs and client errors). */
  reason?: string
  tx?: ParsedTx
}

/** A transaction that passed the structural checks; `txIdMatches` is set once the block's txIds are hashed. */
interface ParsedOk { ok: true, tx: ParsedTx, sigs: TxSignatures, txIdMatches: boolean }
type ParsedEntry = ParsedOk | { ok: false, code: TxValidationCode, txId?: string, reason: string }

/**
 * A block after the checks that need nothing but the block (`BlockValidator.prepare`): its shape
 * and data hash, the orderer's signature, every transaction decoded, identities deserialized and
 * validated, and the block's signatures being verified. Opaque outside the validator.
 */
export interface PreparedBlock {
  readonly block: Block
  readonly header: BlockHeader & { data: Uint8Array[] }
  /** Signatures in the block's batch. */
  readonly signatures: number
  /** @internal */
  readonly entries: readonly ParsedEntry[]
  /** @internal */
  readonly verdicts: Promise<boolean[]>
  /** @internal */
  readonly timings: { started: number, blockMs: number, parseMs: number, verifyStarted: number, verifyDone: () => number }
}

export const DEFAULT_SYSTEM_NAMESPACES = Object.freeze(['qscc', 'cscc', 'lscc', 'escc', 'vscc'])

const now = (): number => globalThis.performance.now()

export class BlockValidator {
  readonly #init: ValidatorInit
  readonly #system: ReadonlySet<string>
  readonly #verifier: Verifier
  /** Timings of the last completed `validate` / `finish` call. */
  lastTimings: ValidationTimings | undefined

  constructor (init: ValidatorInit) {
    this.#init = init
    this.#system = new Set(init.systemNamespaces ?? DEFAULT_SYSTEM_NAMESPACES)
    this.#verifier = init.verifier ?? defaultVerifier()
  }

  /** Validates a block; throws ValidatorError when the block itself is unusable (nothing to commit). */
  async validate (block: Block, options: ValidateOptions = {}): Promise<TxResult[]> {
    // Unpipelined: committed-state reads start while the block is parsed and its signatures verified.
    const state = new PrefetchingState(this.#init.state)
    const prepared = await this.#prepare(block, state)
    return await this.#finish(prepared, state, options)
  }

  /**
   * The state-independent half of `validate`: may run while earlier blocks are still being
   * validated and committed (the committer's pipeline), so that the signatures of the next block
   * are verified — by the pool's workers — while this thread commits the current one. Throws
   * ValidatorError when the block itself is unusable.
   */
  async prepare (block: Block): Promise<PreparedBlock> {
    return await this.#prepare(block, undefined)
  }

  /**
   * The state-dependent half: call in block order, each after the previous block committed
   * (reads see committed state only). Throws ValidatorError when the block does not continue
   * `chainTip`.
   */
  async finish (prepared: PreparedBlock, options: ValidateOptions = {}): Promise<TxResult[]> {
    const state = new PrefetchingState(this.#init.state)
    for (const entry of prepared.entries) if (entry.ok) state.prefetch(entry.tx)
    return await this.#finish(prepared, state, options)
  }

  async #prepare (block: Block, state: PrefetchingState | undefined): Promise<PreparedBlock> {
    const t0 = now()
    const header = checkBlockShape(block)
    if (this.#init.blockValidation !== undefined) await checkBlockSignatures(block, header, this.#init.blockValidation)

    // Collect every signature of the block, then verify them in one batch.
    const t1 = now()
    const batch = new SignatureBatch(this.#init.msps)
    const entries = await Promise.all(header.data.map(async (env): Promise<ParsedEntry> => {
      const p = parseTransaction(env)
      if (!p.ok) return p
      state?.prefetch(p.tx)
      return { ok: true as const, tx: p.tx, sigs: await batch.collect(p.tx), txIdMatches: false }
    }))
    // BAD_PROPOSAL_TXID's hashes, the whole block in one batched SHA-256 call.
    const parsedTxs = entries.filter((e): e is ParsedOk => e.ok)
    computeTxIds(parsedTxs.map((e) => e.tx)).forEach((txId, i) => {
      const entry = parsedTxs[i] as ParsedOk
      entry.txIdMatches = txId === entry.tx.txId
    })
    const t2 = now()
    let verifyDone = 0
    const verdicts = batch.verify(this.#verifier).then((v) => { verifyDone = now(); return v })
    verdicts.catch(() => undefined) // awaited by finish; a block never finished must not be an unhandled rejection
    return { block, header, signatures: batch.requests.length, entries, verdicts, timings: { started: t0, blockMs: t1 - t0, parseMs: t2 - t1, verifyStarted: t2, verifyDone: () => verifyDone } }
  }

  async #finish (prepared: PreparedBlock, state: PrefetchingState, options: ValidateOptions): Promise<TxResult[]> {
    const { header, entries, timings } = prepared
    const t2 = now()
    const verdicts = await prepared.verdicts
    const t3 = now()
    if (options.chainTip !== undefined) checkChain(header, options.chainTip)
    const results = await Promise.all(entries.map(async (p): Promise<TxResult> =>
      p.ok ? await this.#validateTx(p.tx, p.sigs, p.txIdMatches, verdicts, state) : { code: p.code, txId: p.txId ?? '', reason: p.reason }))
    const t4 = now()

    markValidationParameterChanges(results)

    const seen = new Set<string>()
    for (const r of results) {
      if (r.txId === '') continue
      if (seen.has(r.txId)) {
        if (r.code === TxValidationCode.VALID) Object.assign(r, { code: TxValidationCode.DUPLICATE_TXID, reason: 'txId appears earlier in the block' })
      } else {
        seen.add(r.txId)
      }
    }

    const { codes } = await validateBlockRwsets(
      header.number,
      results.map((r) => ({ preCode: r.code, rwsets: r.tx?.rwsets ?? [] })),
      committedVersionReader(state)
    )
    results.forEach((r, txNum) => {
      const code = codes[txNum] as TxValidationCode
      if (code === r.code) return
      Object.assign(r, { code, reason: code === TxValidationCode.MVCC_READ_CONFLICT ? 'a key read has changed' : 'a range read has changed' })
    })
    const t5 = now()
    this.lastTimings = {
      blockMs: timings.blockMs,
      parseMs: timings.parseMs,
      signatureMs: timings.verifyDone() - timings.verifyStarted,
      signatureWaitMs: t3 - t2,
      policyMs: t4 - t3,
      mvccMs: t5 - t4,
      totalMs: t5 - timings.started,
      signatures: prepared.signatures
    }
    return results
  }

  async #validateTx (tx: ParsedTx, sigs: TxSignatures, txIdMatches: boolean, verdicts: readonly boolean[], state: PrefetchingState): Promise<TxResult> {
    const invalid = (code: TxValidationCode, reason: string): TxResult => ({ code, txId: tx.txId, reason, tx })

    if (sigs.creatorError !== undefined) return invalid(TxValidationCode.BAD_CREATOR_SIGNATURE, sigs.creatorError)
    if (verdicts[sigs.creatorRequest] !== true) return invalid(TxValidationCode.BAD_CREATOR_SIGNATURE, `creator: signature by ${sigs.creator?.id ?? '?'} does not verify`)
    if (!txIdMatches) return invalid(TxValidationCode.BAD_PROPOSAL_TXID, 'txId is not SHA-256(nonce ‖ creator)')
    if (tx.channelId !== this.#init.channelId) return invalid(TxValidationCode.TARGET_CHAIN_NOT_FOUND, `transaction for channel ${tx.channelId}`)
    if (await state.txIdExists(tx.txId)) return invalid(TxValidationCode.DUPLICATE_TXID, 'txId already on the ledger')
    const status = tx.response?.status ?? 0
    if (status < 200 || status >= 400) return invalid(TxValidationCode.BAD_RESPONSE_PAYLOAD, `chaincode response status ${status}`)

    const written = writtenNamespaces(tx)
    const illegal = written.find((ns) => this.#system.has(ns))
    if (illegal !== undefined) return invalid(TxValidationCode.ILLEGAL_WRITESET, `writes to system namespace ${illegal}`)
    const namespaces = written.length > 0 ? written : [tx.chaincodeName]
    const endorsers = verifiedEndorsers(sigs, verdicts)
    for (const ns of namespaces) {
      const policy = await this.#init.policyFor(ns)
      if (policy === undefined) return invalid(TxValidationCode.INVALID_CHAINCODE, `no chaincode definition for ${ns}`)
      const rw = tx.rwsets.find((r) => r.namespace === ns)
      if (!await namespaceEndorsed(rw, policy, endorsers, state, this.#init.msps)) {
        return invalid(TxValidationCode.ENDORSEMENT_POLICY_FAILURE, `endorsement policy of ${ns} not satisfied`)
      }
    }
    return { code: TxValidationCode.VALID, txId: tx.txId, tx }
  }
}

/**
 * Fabric's in-block key-level endorsement dependency: once a transaction valid so far writes a
 * key's metadata (its VALIDATION_PARAMETER may have changed), no later transaction of the block
 * may write (value or metadata) that key of that namespace, since the policy it was endorsed
 * against is no longer known to be current. Only metadata writes create the dependency.
 * Deviation: Fabric tracks the earlier transaction's result per namespace; a Weft transaction
 * is valid or not as a whole, so a transaction that failed any namespace creates none.
 */
function markValidationParameterChanges (results: TxResult[]): void {
  const metadataWritten = new Map<string, Set<string>>()
  for (const r of results) {
    if (r.code !== TxValidationCode.VALID || r.tx === undefined) continue
    const clash = r.tx.rwsets.find(({ namespace, kv }) => {
      const keys = metadataWritten.get(namespace)
      return keys !== undefined && (kv.writes.some((w) => keys.has(w.key)) || kv.metadataWrites.some((w) => keys.has(w.key)))
    })
    if (clash !== undefined) {
      Object.assign(r, { code: TxValidationCode.ENDORSEMENT_POLICY_FAILURE, reason: `a key's validation parameter in ${clash.namespace} was changed earlier in the block` })
      continue
    }
    for (const { namespace, kv } of r.tx.rwsets) {
      if (kv.metadataWrites.length === 0) continue
      let keys = metadataWritten.get(namespace)
      if (keys === undefined) { keys = new Set(); metadataWritten.set(namespace, keys) }
      for (const w of kv.metadataWrites) keys.add(w.key)
    }
  }
}
