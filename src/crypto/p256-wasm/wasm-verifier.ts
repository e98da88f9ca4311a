/**
 * `WasmVerifier`: ECDSA P-256/SHA-256 verification in AssemblyScript WASM (asm/p256/), all
 * signatures of a batch in one call into WASM. JavaScript hashes the messages (one batched
 * SHA-256 call), parses signatures and keys, and packs (digest, r ‖ s, key slot) records into
 * the module's memory; WASM checks ranges and the low-S rule, inverts every s with one shared
 * inversion and computes u1·G + u2·Q with precomputed comb tables for G and for recurring keys.
 *
 * Needs only `WebAssembly` (no `crypto.subtle`), so it works on plain-http LAN pages.
 * Not constant-time, deliberately: verification handles only public data.
 * @module
 */
import { sha256BatchInto } from '../sha256.js'
import { wasmSupported } from '../../wasm/load.js'
import { CryptoError } from '../errors.js'
import type { SignatureFormat, Verifier, VerifierOptions, VerifyRequest } from '../verifier.js'
import { NO_KEY, P256WasmContext, RAW_KEY } from './context.js'
import { KeySlots, type KeyEntry } from './key-slots.js'
import { writeSignature } from './signature-bytes.js'

export interface WasmVerifierOptions extends VerifierOptions {
  /**
   * Public keys whose comb tables stay in WASM memory (LRU). Each costs 264 KiB (allocated
   * when first filled) and ~5 ms to build; endorser and orderer keys recur, so a handful
   * covers a channel. Default 32 (≤ 8.3 MiB, only as keys arrive). With more recurring keys
   * than slots, every batch rebuilds some tables (~5 ms each): size it to the network.
   */
  keyTableSlots?: number
  /** A key gets a table on its n-th use (uses within one batch count). Default 2. */
  tableAfterUses?: number
  /** Decoded public keys remembered (LRU), with or without a table. Default 1024. */
  rememberedKeys?: number
  /**
   * Records per call into WASM; larger batches are split. Default 4096 (~1.7 MiB of buffers):
   * a 500-transaction block with two endorsements each is 1,500 signatures, one call.
   */
  batchCapacity?: number
  /**
   * Batches with at least this many table-driven records accumulate R in affine coordinates
   * with one shared inversion per step; smaller ones use Jacobian additions. Default 64;
   * `Infinity` disables the affine pass (docs/p256-wasm.md has the measurements).
   */
  lockstepMin?: number
}

const EMPTY = new Uint8Array(0)
const FORMATS: readonly SignatureFormat[] = ['der', 'p1363']

function intOption (value: number | undefined, fallback: number, min: number, max: number, name: string): number {
  const v = value ?? fallback
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new CryptoError('CRYPTO_UNSUPPORTED', `${name}: must be an integer in [${min}, ${max}], got ${String(v)}`)
  }
  return v
}

export class WasmVerifier implements Verifier {
  readonly name = 'wasm'
  readonly #lowS: boolean
  readonly #ctx: P256WasmContext
  readonly #keys: KeySlots

  constructor (options: WasmVerifierOptions = {}) {
    this.#lowS = options.lowS ?? true
    const keySlots = intOption(options.keyTableSlots, 32, 1, 256, 'keyTableSlots')
    const batchCapacity = intOption(options.batchCapacity, 4096, 1, 65536, 'batchCapacity')
    const tableAfterUses = intOption(options.tableAfterUses, 2, 1, 1_000_000, 'tableAfterUses')
    const rememberedKeys = intOption(options.rememberedKeys, 1024, 1, 1_000_000, 'rememberedKeys')
    this.#ctx = new P256WasmContext({ keySlots, batchCapacity })
    if (options.lockstepMin !== undefined) {
      if (typeof options.lockstepMin !== 'number' || Number.isNaN(options.lockstepMin) || options.lockstepMin < 0) {
        throw new CryptoError('CRYPTO_UNSUPPORTED', `lockstepMin: must be a non-negative number, got ${String(options.lockstepMin)}`)
      }
      this.#ctx.setLockstepMin(options.lockstepMin)
    }
    this.#keys = new KeySlots({
      slots: keySlots,
      tableAfterUses,
      rememberedKeys,
      build: (slot, xy) => this.#ctx.loadKey(slot, xy)
    })
  }

  /** Comb tables built for public keys so far (the G table is not counted). */
  get keyTablesBuilt (): number { return this.#keys.tablesBuilt }

  /**
   * Additions of the batched affine pass that met a doubling or ∞ and were redone on the
   * Jacobian path (rare for honest keys; tests use it to prove that path runs).
   */
  get exceptionalAdditions (): number { return this.#ctx.exceptionalAdditions }

  async verify (request: VerifyRequest): Promise<boolean> {
    return this.verifyBatchSync([request])[0] === true
  }

  async verifyBatch (requests: readonly VerifyRequest[]): Promise<boolean[]> {
    return this.verifyBatchSync(requests)
  }

  /** Verdicts in request order, synchronously; malformed requests verify false, never throw. */
  verifyBatchSync (requests: readonly VerifyRequest[]): boolean[] {
    if (!Array.isArray(requests)) throw new CryptoError('CRYPTO_UNSUPPORTED', 'requests: expected an array')
    const verdicts = new Array<boolean>(requests.length)
    const cap = this.#ctx.batchCapacity
    for (let start = 0; start < requests.length; start += cap) {
      const chunk = requests.slice(start, start + cap)
      const out = this.#verifyChunk(chunk)
      for (let i = 0; i < chunk.length; i++) verdicts[start + i] = out[i] === 1
    }
    return verdicts
  }

  #verifyChunk (requests: readonly VerifyRequest[]): Uint8Array {
    const ctx = this.#ctx
    const count = requests.length
    this.#keys.beginBatch()
    // Pass 1: decode keys (counting uses), so a key recurring in this batch earns its table now.
    const entries = new Array<KeyEntry | null>(count)
    const messages = new Array<Uint8Array>(count)
    for (let i = 0; i < count; i++) {
      const request = requests[i]
      let entry: KeyEntry | null = null
      let message: Uint8Array = EMPTY
      if (typeof request === 'object' && request !== null && request.message instanceof Uint8Array &&
        request.signature instanceof Uint8Array && request.publicKey instanceof Uint8Array &&
        FORMATS.includes(request.format ?? 'der')) {
        entry = this.#keys.lookup(request.publicKey)
        message = request.message
      }
      entries[i] = entry
      messages[i] = message
    }
    // Pass 2: key slots (building tables), signatures and raw keys into WASM memory.
    const slots: number[] = new Array<number>(count)
    for (let i = 0; i < count; i++) {
      const entry = entries[i]
      slots[i] = entry === null || entry === undefined ? NO_KEY : this.#keys.slotFor(entry)
    }
    const mem = ctx.bytes
    const slotView = ctx.slotView
    const sigBase = ctx.signaturesPtr
    const rawBase = ctx.rawKeysPtr
    for (let i = 0; i < count; i++) {
      const entry = entries[i]
      let slot = slots[i] as number
      if (entry !== null && entry !== undefined) {
        const request = requests[i] as VerifyRequest
        if (!writeSignature(request.signature, request.format ?? 'der', mem, sigBase + 64 * i)) {
          slot = NO_KEY
        } else if (slot < 0) {
          mem.set(entry.xy, rawBase + 64 * i)
          slot = RAW_KEY
        }
      }
      slotView[i] = slot
    }
    // Pass 3: all digests with one batched SHA-256 call, written straight into WASM memory.
    sha256BatchInto(messages, mem.subarray(ctx.digestsPtr, ctx.digestsPtr + 32 * count))
    ctx.verifyBatch(count, this.#lowS)
    return ctx.bytes.slice(ctx.verdictsPtr, ctx.verdictsPtr + count)
  }
}

/** A WASM verifier; throws CryptoError `CRYPTO_UNAVAILABLE` where WebAssembly cannot run it. */
export function createWasmVerifier (options: WasmVerifierOptions = {}): WasmVerifier {
  return new WasmVerifier(options)
}

/**
 * True when this runtime has WebAssembly and a little-endian host, i.e. when
 * `createWasmVerifier()` is expected to succeed (it can still fail on a compile limit).
 */
export function wasmVerifierAvailable (): boolean {
  return wasmSupported() && new Uint8Array(Uint32Array.of(1).buffer)[0] === 1
}
