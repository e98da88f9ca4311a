/**
 * The pure-JavaScript engine (@noble/hashes): used where WebAssembly is unavailable, and as
 * the reference the WASM engines are tested against.
 * @module
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { checkBatch, checkBatchOutput, checkMessage, SHA256_DIGEST_LENGTH } from './sha256-engine.js'
import type { Sha256Engine, Sha256Hasher } from './sha256-engine.js'
import { Sha256Error } from './sha256-errors.js'

class NobleHasher implements Sha256Hasher {
  readonly #inner = nobleSha256.create()
  #finished = false

  update (data: Uint8Array): this {
    checkMessage(data)
    if (this.#finished) throw new Sha256Error('CRYPTO_SHA256_FINISHED', 'update after digest')
    this.#inner.update(data)
    return this
  }

  digest (): Uint8Array {
    if (this.#finished) throw new Sha256Error('CRYPTO_SHA256_FINISHED', 'digest called twice')
    this.#finished = true
    return this.#inner.digest()
  }
}

export function createJsSha256Engine (): Sha256Engine {
  return Object.freeze({
    backend: 'js' as const,
    digest (data: Uint8Array): Uint8Array {
      checkMessage(data)
      return nobleSha256(data)
    },
    digestBatch (messages: readonly Uint8Array[]): Uint8Array[] {
      checkBatch(messages)
      return messages.map((message) => nobleSha256(message))
    },
    digestBatchInto (messages: readonly Uint8Array[], out: Uint8Array): void {
      checkBatch(messages)
      checkBatchOutput(out, messages.length)
      for (let i = 0; i < messages.length; i++) out.set(nobleSha256(messages[i] as Uint8Array), i * SHA256_DIGEST_LENGTH)
    },
    create: (): Sha256Hasher => new NobleHasher()
  })
}
