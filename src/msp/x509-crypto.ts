import { sha1 } from '@noble/hashes/legacy.js'
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js'
import { hexToBytes } from '@noble/hashes/utils.js'
import { decodePublicKey, decodeSignature, encodeP1363, publicKeyFromSpki, spkiFromPublicKey, uncompressedPublicKey } from '../crypto/ecdsa.js'
import { randomBytes } from '../crypto/random.js'
import type { Signer } from '../crypto/signer.js'
import { NobleSigner } from '../crypto/signer-noble.js'
import { defaultVerifier } from '../crypto/verifier-default.js'
import { MspError } from './errors.js'

/**
 * A `Crypto`-shaped object for @peculiar/x509 that needs no `crypto.subtle`, so certificates and
 * CRLs can be issued on plain-http pages. Only ECDSA P-256/SHA-256 and the subtle methods x509
 * calls are implemented: digest, generateKey, importKey/exportKey (spki, raw, pkcs8), sign, verify.
 *
 * Private keys are `Signer`s (WebCrypto or noble): `signerKey(signer)` wraps one as a key x509
 * accepts, so the same code signs with a non-extractable WebCrypto key or a raw noble key.
 * Verification goes through `defaultVerifier()` (WebCrypto when present, else noble) without the
 * low-S rule, which Fabric applies to transaction signatures but not to certificates.
 */

const EC_ALGORITHM: EcKeyAlgorithm = Object.freeze({ name: 'ECDSA', namedCurve: 'P-256' })

interface KeyMaterial {
  /** SEC1 uncompressed. */
  publicKey: Uint8Array
  signer?: Signer
}

/** Looks like a WebCrypto CryptoKey to x509 (`CryptoProvider.isCryptoKey`), material kept aside. */
class X509Key {
  readonly algorithm: EcKeyAlgorithm = EC_ALGORITHM
  readonly type: KeyType
  readonly extractable: boolean
  readonly usages: KeyUsage[]
  constructor (type: KeyType, extractable: boolean, usages: KeyUsage[]) {
    this.type = type
    this.extractable = extractable
    this.usages = usages
  }
}

const material = new WeakMap<object, KeyMaterial>()

function newKey (type: KeyType, m: KeyMaterial, extractable: boolean, usages: KeyUsage[]): CryptoKey {
  const key = new X509Key(type, extractable, usages)
  material.set(key, m)
  return key as CryptoKey
}

function materialOf (key: unknown): KeyMaterial {
  const m = typeof key === 'object' && key !== null ? material.get(key) : undefined
  if (m === undefined) throw new MspError('MSP_MALFORMED', 'key was not created by the MSP x509 crypto provider')
  return m
}

/** A private key x509 can sign with, backed by `signer`. */
export function signerKey (signer: Signer): CryptoKey {
  return newKey('private', { publicKey: signer.publicKey, signer }, false, ['sign'])
}

/** A public key x509 can export and verify with. */
export function publicKeyObject (publicKey: Uint8Array): CryptoKey {
  const point = decodePublicKey(publicKey)
  if (point === null) throw new MspError('MSP_MALFORMED', 'not a P-256 public key')
  return newKey('public', { publicKey: uncompressedPublicKey(point) }, true, ['verify'])
}

function hashName (algorithm: AlgorithmIdentifier | EcdsaParams): string {
  const name = typeof algorithm === 'string' ? algorithm : algorithm.name
  const hash = typeof algorithm === 'object' && 'hash' in algorithm ? algorithm.hash : undefined
  const hashId = hash === undefined ? name : (typeof hash === 'string' ? hash : hash.name)
  return hashId.toUpperCase()
}

function bytesOf (data: BufferSource): Uint8Array {
  if (data instanceof Uint8Array) return data
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return new Uint8Array(data)
}

function buffer (bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer
}

// RFC 5208 PrivateKeyInfo wrapping an RFC 5915 ECPrivateKey for P-256 (version 1, 32-byte d),
// with and without the optional [1] publicKey; WebCrypto and OpenSSL emit the first form.
const PKCS8_WITH_PUBLIC = hexToBytes('308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420')
const PKCS8_PUBLIC_TAG = hexToBytes('a144034200')
const PKCS8_WITHOUT_PUBLIC = hexToBytes('3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420')

function startsWith (bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b)
}

function privateFromPkcs8 (der: Uint8Array): Uint8Array {
  if (startsWith(der, PKCS8_WITH_PUBLIC) && der.length === PKCS8_WITH_PUBLIC.length + 32 + PKCS8_PUBLIC_TAG.length + 65) {
    return der.slice(PKCS8_WITH_PUBLIC.length, PKCS8_WITH_PUBLIC.length + 32)
  }
  if (startsWith(der, PKCS8_WITHOUT_PUBLIC) && der.length === PKCS8_WITHOUT_PUBLIC.length + 32) {
    return der.slice(PKCS8_WITHOUT_PUBLIC.length)
  }
  throw new MspError('MSP_MALFORMED', 'unsupported PKCS#8: only P-256 ECPrivateKey is accepted')
}

function requireEcdsa (algorithm: AlgorithmIdentifier | EcKeyImportParams | EcdsaParams): void {
  const name = typeof algorithm === 'string' ? algorithm : algorithm.name
  if (name.toUpperCase() !== 'ECDSA') throw new MspError('MSP_MALFORMED', `unsupported algorithm ${name}: only ECDSA P-256`)
  const curve = typeof algorithm === 'object' && 'namedCurve' in algorithm ? algorithm.namedCurve : 'P-256'
  if (curve !== 'P-256') throw new MspError('MSP_MALFORMED', `unsupported curve ${String(curve)}: only P-256`)
}

const subtle = {
  async digest (algorithm: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer> {
    const bytes = bytesOf(data)
    switch (hashName(algorithm)) {
      case 'SHA-1': return buffer(sha1(bytes))
      case 'SHA-256': return buffer(sha256(bytes))
      case 'SHA-384': return buffer(sha384(bytes))
      case 'SHA-512': return buffer(sha512(bytes))
      default: throw new MspError('MSP_MALFORMED', `unsupported digest ${hashName(algorithm)}`)
    }
  },

  async generateKey (algorithm: EcKeyGenParams, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKeyPair> {
    requireEcdsa(algorithm)
    const signer = NobleSigner.generate()
    return {
      privateKey: newKey('private', { publicKey: signer.publicKey, signer }, extractable, usages.filter((u) => u === 'sign')),
      publicKey: newKey('public', { publicKey: signer.publicKey }, true, usages.filter((u) => u === 'verify'))
    }
  },

  async importKey (format: KeyFormat, keyData: BufferSource | JsonWebKey, algorithm: EcKeyImportParams, extractable: boolean, usages: KeyUsage[]): Promise<CryptoKey> {
    requireEcdsa(algorithm)
    if (format === 'jwk') throw new MspError('MSP_MALFORMED', 'JWK import is not supported')
    const bytes = bytesOf(keyData as BufferSource)
    if (format === 'pkcs8') {
      const signer = new NobleSigner(privateFromPkcs8(bytes))
      return newKey('private', { publicKey: signer.publicKey, signer }, extractable, usages)
    }
    const point = decodePublicKey(format === 'spki' ? (publicKeyFromSpki(bytes) ?? new Uint8Array(0)) : bytes)
    if (point === null) throw new MspError('MSP_MALFORMED', `not a P-256 public key (${format})`)
    return newKey('public', { publicKey: uncompressedPublicKey(point) }, true, usages)
  },

  async exportKey (format: KeyFormat, key: CryptoKey): Promise<ArrayBuffer> {
    const m = materialOf(key)
    if (format === 'spki') return buffer(spkiFromPublicKey(m.publicKey))
    if (format === 'raw' && key.type === 'public') return buffer(m.publicKey)
    if (format === 'pkcs8' && key.type === 'private' && key.extractable && m.signer instanceof NobleSigner) {
      const d = m.signer.exportPrivateKey()
      const out = new Uint8Array([...PKCS8_WITH_PUBLIC, ...d, ...PKCS8_PUBLIC_TAG, ...m.publicKey])
      return buffer(out)
    }
    throw new MspError('MSP_MALFORMED', `cannot export a ${key.type} key as ${format}`)
  },

  async sign (algorithm: EcdsaParams, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    requireEcdsa(algorithm)
    if (hashName(algorithm) !== 'SHA-256') throw new MspError('MSP_MALFORMED', 'only SHA-256 signatures are supported')
    const signer = materialOf(key).signer
    if (signer === undefined) throw new MspError('MSP_MALFORMED', 'cannot sign with a public key')
    const sig = decodeSignature(await signer.sign(Uint8Array.from(bytesOf(data))))
    if (sig === null) throw new MspError('MSP_MALFORMED', 'signer returned a malformed signature')
    return buffer(encodeP1363(sig)) // x509 expects WebCrypto's P1363 and DER-encodes it itself
  },

  async verify (algorithm: EcdsaParams, key: CryptoKey, signature: BufferSource, data: BufferSource): Promise<boolean> {
    requireEcdsa(algorithm)
    if (hashName(algorithm) !== 'SHA-256') return false
    return await defaultVerifier({ lowS: false }).verify({
      publicKey: materialOf(key).publicKey,
      message: Uint8Array.from(bytesOf(data)),
      signature: Uint8Array.from(bytesOf(signature)),
      format: 'p1363'
    })
  }
}

/**
 * x509's APIs are typed with the DOM `Crypto`; this object implements the subset x509 calls for
 * ECDSA P-256 (see above), so the cast is confined here.
 */
export const x509Crypto: Crypto = Object.freeze({
  subtle,
  getRandomValues: <T extends ArrayBufferView | null>(array: T): T => {
    if (array !== null) {
      const view = new Uint8Array(array.buffer, array.byteOffset, array.byteLength)
      view.set(randomBytes(view.length))
    }
    return array
  }
}) as unknown as Crypto
