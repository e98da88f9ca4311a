import { CryptoError } from '../crypto/errors.js'
import type { Signer } from '../crypto/signer.js'
import { NobleSigner } from '../crypto/signer-noble.js'
import { WebCryptoSigner } from '../crypto/signer-webcrypto.js'
import { getSubtle } from '../crypto/subtle.js'
import { MspError } from './errors.js'

/**
 * A persisted private key. Where WebCrypto exists the key is a non-extractable CryptoKey: the
 * browser stores it (IndexedDB structured-clones CryptoKeys) but page script can only use it, never
 * read it. Without `crypto.subtle` the only option is the raw 32-byte scalar (see docs/msp.md).
 */
export type StoredKey =
  | { readonly kind: 'webcrypto', readonly privateKey: CryptoKey, readonly publicKey: Uint8Array }
  | { readonly kind: 'raw', readonly privateKey: Uint8Array, readonly publicKey: Uint8Array }

/** Where signing keys live, by label (e.g. `Org1MSP/alice`). */
export interface KeyStore {
  get(label: string): Promise<StoredKey | undefined>
  put(label: string, key: StoredKey): Promise<void>
  delete(label: string): Promise<void>
  labels(): Promise<string[]>
}

/** A fresh signer: non-extractable WebCrypto when available, else noble with a raw key. */
export async function generateSigner (options: { preferWebCrypto?: boolean } = {}): Promise<Signer> {
  if ((options.preferWebCrypto ?? true) && getSubtle() !== undefined) return await WebCryptoSigner.generate()
  return NobleSigner.generate()
}

export function storedKeyOf (signer: Signer): StoredKey {
  if (signer instanceof WebCryptoSigner) return { kind: 'webcrypto', privateKey: signer.privateKey, publicKey: signer.publicKey }
  if (signer instanceof NobleSigner) return { kind: 'raw', privateKey: signer.exportPrivateKey(), publicKey: signer.publicKey }
  throw new MspError('MSP_MALFORMED', 'only WebCrypto and noble signers can be stored')
}

export function signerFromStoredKey (key: StoredKey): Signer {
  try {
    if (key.kind === 'webcrypto') return new WebCryptoSigner(key.privateKey, key.publicKey)
    if (key.kind === 'raw') {
      const signer = new NobleSigner(key.privateKey)
      if (!signer.publicKey.every((b, i) => b === key.publicKey[i])) throw new MspError('MSP_MALFORMED', 'stored public key does not match the private key')
      return signer
    }
  } catch (err) {
    if (err instanceof CryptoError) throw new MspError('MSP_MALFORMED', `stored key is unusable: ${err.message}`, { cause: err })
    throw err
  }
  throw new MspError('MSP_MALFORMED', 'unknown stored key kind')
}

/** In-memory key store, for tests and ephemeral peers. */
export class MemoryKeyStore implements KeyStore {
  readonly #keys = new Map<string, StoredKey>()
  async get (label: string): Promise<StoredKey | undefined> { return this.#keys.get(label) }
  async put (label: string, key: StoredKey): Promise<void> { this.#keys.set(checkLabel(label), key) }
  async delete (label: string): Promise<void> { this.#keys.delete(label) }
  async labels (): Promise<string[]> { return [...this.#keys.keys()].sort() }
}

export function checkLabel (label: string): string {
  if (typeof label !== 'string' || label === '') throw new MspError('MSP_MALFORMED', 'key label must be a non-empty string')
  return label
}
