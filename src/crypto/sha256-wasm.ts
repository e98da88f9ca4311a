/**
 * The WASM engines: `asm/sha256/index.ts` (scalar) and `index.simd.ts` (4-lane multi-buffer),
 * both embedded by `scripts/build-asm.mjs`. Memory sharing as in as-sha256's `src/index.ts`:
 * views over the module's fixed regions are made once; a batch is packed into INPUT with an
 * (offset, length) TABLE, hashed by ONE `hashBatch` call, and the digests read from OUTPUT.
 * A batch is split only when it overflows INPUT or TABLE; a message larger than INPUT is
 * streamed through `compressBlocks`.
 *
 * The module's memory never grows after instantiation (no allocator runs), so the views stay
 * valid. TABLE and STATE are read as Uint32Array: host byte order, which must be WASM's
 * little-endian; construction refuses big-endian hosts (the caller falls back to JS).
 * @module
 */
import { wasmBase64 as scalarBase64 } from '../wasm/generated/sha256.js'
import { wasmBase64 as simdBase64 } from '../wasm/generated/sha256_simd.js'
import { WasmError } from '../wasm/errors.js'
import { exportedFunction, exportedMemory, instantiateSync, simdSupported } from '../wasm/load.js'
import { checkBatch, checkBatchOutput, checkMessage, SHA256_DIGEST_LENGTH, SHA256_IV } from './sha256-engine.js'
import type { Sha256Engine, Sha256Hasher } from './sha256-engine.js'
import { Sha256Error } from './sha256-errors.js'

const BLOCK = 64

/** The exports both builds share (asm/sha256/common.ts documents the layout). */
interface Sha256Exports {
  hashBatch(count: number): void
  compressBlocks(blocks: number): void
  inputPtr(): number
  inputCapacity(): number
  tablePtr(): number
  tableCapacity(): number
  outputPtr(): number
  statePtr(): number
}

const EXPORT_NAMES = ['hashBatch', 'compressBlocks', 'inputPtr', 'inputCapacity', 'tablePtr', 'tableCapacity', 'outputPtr', 'statePtr'] as const

function isLittleEndian (): boolean {
  return new Uint8Array(Uint32Array.of(1).buffer)[0] === 1
}

class WasmSha256 implements Sha256Engine {
  readonly backend: 'wasm-simd' | 'wasm'
  readonly #hashBatch: (count: number) => void
  readonly #compressBlocks: (blocks: number) => void
  readonly #input: Uint8Array
  readonly #table: Uint32Array
  readonly #output: Uint8Array
  readonly #state: Uint32Array
  readonly #tableCapacity: number
  readonly #slots: Uint8Array[] = []

  constructor (instance: WebAssembly.Instance, backend: 'wasm-simd' | 'wasm') {
    if (!isLittleEndian()) throw new WasmError('WASM_UNAVAILABLE', 'sha256: big-endian hosts are not supported by the WASM engine')
    const fns = Object.fromEntries(EXPORT_NAMES.map((name) => [name, exportedFunction(instance, name)])) as unknown as Sha256Exports
    const buffer = exportedMemory(instance).buffer
    this.backend = backend
    this.#hashBatch = fns.hashBatch
    this.#compressBlocks = fns.compressBlocks
    this.#tableCapacity = fns.tableCapacity()
    this.#input = new Uint8Array(buffer, fns.inputPtr(), fns.inputCapacity())
    this.#table = new Uint32Array(buffer, fns.tablePtr(), 2 * this.#tableCapacity)
    this.#output = new Uint8Array(buffer, fns.outputPtr(), SHA256_DIGEST_LENGTH * this.#tableCapacity)
    this.#state = new Uint32Array(buffer, fns.statePtr(), 8)
    Object.freeze(this)
  }

  digest (data: Uint8Array): Uint8Array {
    checkMessage(data)
    if (data.length > this.#input.length) return this.create().update(data).digest()
    this.#input.set(data)
    this.#table[0] = 0
    this.#table[1] = data.length
    this.#hashBatch(1)
    return this.#output.slice(0, SHA256_DIGEST_LENGTH)
  }

  digestBatch (messages: readonly Uint8Array[]): Uint8Array[] {
    checkBatch(messages)
    const digests = new Array<Uint8Array>(messages.length)
    for (let first = 0; first < messages.length;) {
      const count = this.#hashChunk(messages, first)
      if (count === 0) {
        digests[first] = this.#digestLarge(messages[first] as Uint8Array)
        first++
        continue
      }
      // Each digest gets its own buffer: a view into a shared one would drag the whole batch
      // along wherever it is stored (structured clone and IndexedDB copy the entire buffer).
      // Copying from a cached view of each OUTPUT slot is a third cheaper than slice().
      const slots = this.#outputSlots(count)
      for (let j = 0; j < count; j++) digests[first + j] = new Uint8Array(slots[j] as Uint8Array)
      first += count
    }
    return digests
  }

  digestBatchInto (messages: readonly Uint8Array[], out: Uint8Array): void {
    checkBatch(messages)
    checkBatchOutput(out, messages.length)
    for (let first = 0; first < messages.length;) {
      const count = this.#hashChunk(messages, first)
      if (count === 0) {
        out.set(this.#digestLarge(messages[first] as Uint8Array), first * SHA256_DIGEST_LENGTH)
        first++
        continue
      }
      out.set(this.#output.subarray(0, count * SHA256_DIGEST_LENGTH), first * SHA256_DIGEST_LENGTH)
      first += count
    }
  }

  create (): Sha256Hasher {
    return new WasmHasher(this)
  }

  /** Compresses whole blocks (`blocks.length` a multiple of 64, at most INPUT) into `state`. */
  compressInto (state: Uint32Array, blocks: Uint8Array): void {
    this.#state.set(state)
    this.#input.set(blocks)
    this.#compressBlocks(blocks.length / BLOCK)
    state.set(this.#state)
  }

  get inputCapacity (): number {
    return this.#input.length
  }

  /**
   * Packs as many messages from `first` on as INPUT and TABLE hold, hashes them with one call
   * (digest j of the chunk at OUTPUT + 32·j) and returns how many. Returns 0 when the message at
   * `first` alone is larger than INPUT: the caller streams it with #digestLarge.
   */
  #hashChunk (messages: readonly Uint8Array[], first: number): number {
    const input = this.#input
    const table = this.#table
    const limit = Math.min(messages.length - first, this.#tableCapacity)
    let offset = 0
    let count = 0
    for (; count < limit; count++) {
      const message = messages[first + count] as Uint8Array
      if (offset + message.length > input.length) break
      input.set(message, offset)
      table[2 * count] = offset
      table[2 * count + 1] = message.length
      offset += message.length
    }
    if (count > 0) this.#hashBatch(count)
    return count
  }

  /** Views of the first `count` 32-byte OUTPUT slots, made on first need and kept. */
  #outputSlots (count: number): readonly Uint8Array[] {
    const slots = this.#slots
    for (let j = slots.length; j < count; j++) slots.push(this.#output.subarray(j * SHA256_DIGEST_LENGTH, (j + 1) * SHA256_DIGEST_LENGTH))
    return slots
  }

  #digestLarge (message: Uint8Array): Uint8Array {
    return this.create().update(message).digest()
  }
}

/** Incremental hashing: the chaining value lives here, so any number of hashers can share the module. */
class WasmHasher implements Sha256Hasher {
  readonly #engine: WasmSha256
  readonly #state = Uint32Array.from(SHA256_IV)
  readonly #pending = new Uint8Array(BLOCK)
  #pendingLength = 0
  #totalLength = 0
  #finished = false

  constructor (engine: WasmSha256) {
    this.#engine = engine
  }

  update (data: Uint8Array): this {
    checkMessage(data)
    if (this.#finished) throw new Sha256Error('CRYPTO_SHA256_FINISHED', 'update after digest')
    let position = 0
    if (this.#pendingLength > 0) {
      const take = Math.min(BLOCK - this.#pendingLength, data.length)
      this.#pending.set(data.subarray(0, take), this.#pendingLength)
      this.#pendingLength += take
      position = take
      if (this.#pendingLength === BLOCK) {
        this.#engine.compressInto(this.#state, this.#pending)
        this.#pendingLength = 0
      }
    }
    const chunkLimit = this.#engine.inputCapacity - (this.#engine.inputCapacity % BLOCK)
    while (data.length - position >= BLOCK) {
      const wholeBlocks = data.length - position - ((data.length - position) % BLOCK)
      const take = Math.min(wholeBlocks, chunkLimit)
      this.#engine.compressInto(this.#state, data.subarray(position, position + take))
      position += take
    }
    if (position < data.length) {
      // Only reached with an empty pending block: a partial one absorbed all of `data` above.
      this.#pending.set(data.subarray(position), 0)
      this.#pendingLength = data.length - position
    }
    this.#totalLength += data.length
    return this
  }

  digest (): Uint8Array {
    if (this.#finished) throw new Sha256Error('CRYPTO_SHA256_FINISHED', 'digest called twice')
    this.#finished = true
    // FIPS 180-4 §5.1.1: 0x80, zeros, then the bit length as a 64-bit big-endian integer.
    const rest = this.#pendingLength
    const final = new Uint8Array(rest < 56 ? BLOCK : 2 * BLOCK)
    final.set(this.#pending.subarray(0, rest))
    final[rest] = 0x80
    const view = new DataView(final.buffer)
    view.setUint32(final.length - 8, Math.floor(this.#totalLength / 0x20000000))
    view.setUint32(final.length - 4, (this.#totalLength * 8) >>> 0)
    this.#engine.compressInto(this.#state, final)
    const digest = new Uint8Array(SHA256_DIGEST_LENGTH)
    const out = new DataView(digest.buffer)
    for (let i = 0; i < 8; i++) out.setUint32(4 * i, this.#state[i] as number)
    return digest
  }
}

/** Instantiates the SIMD build; throws a `WasmError` when the runtime lacks SIMD or refuses it. */
export function createWasmSimdSha256Engine (): Sha256Engine {
  if (!simdSupported()) throw new WasmError('WASM_UNAVAILABLE', 'sha256: WebAssembly SIMD is not supported here')
  return new WasmSha256(instantiateSync(simdBase64), 'wasm-simd')
}

/** Instantiates the scalar build; throws a `WasmError` when WebAssembly is unavailable or refused. */
export function createWasmScalarSha256Engine (): Sha256Engine {
  return new WasmSha256(instantiateSync(scalarBase64), 'wasm')
}
