/**
 * ECDSA P-256 building blocks shared by every backend (WebCrypto, noble, and the WASM verifier):
 * signature decoding (DER and IEEE P1363), Fabric's low-S rule, and SEC1 public-key decoding.
 *
 * Fabric (bccsp/utils/ecdsa.go) signs with SHA-256, encodes signatures as DER
 * `ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` and rejects `s > n/2` (`IsLowS`),
 * normalising its own signatures with `s = n - s` (`ToLowS`).
 *
 * Deviation: Go's `asn1.Unmarshal` in Fabric ignores bytes after the SEQUENCE; we reject them
 * (strict DER, as Wycheproof expects) so a signature has exactly one encoding.
 */
import { p256 } from '@noble/curves/nist.js'
import type { WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js'
import type { SignatureFormat } from './verifier.js'

export type P256Point = WeierstrassPoint<bigint>

/** The P-256 point constructor (affine/projective arithmetic, precomputation). */
export const P256 = p256.Point
/** Order n of the P-256 base point. */
export const CURVE_ORDER: bigint = p256.Point.Fn.ORDER
/** n/2 rounded down: Fabric's `halfOrder`; s must be ≤ this to be "low". */
export const HALF_ORDER: bigint = CURVE_ORDER >> 1n

/** Byte length of a field element / scalar, and of the P1363 `r‖s` encoding. */
export const SCALAR_BYTES = 32
export const P1363_BYTES = 64
export const UNCOMPRESSED_KEY_BYTES = 65
export const COMPRESSED_KEY_BYTES = 33

/** A decoded signature; r and s are guaranteed to lie in [1, n-1]. */
export interface EcdsaSignature {
  readonly r: bigint
  readonly s: bigint
}

/** Fabric's `IsLowS`: s ≤ n/2. */
export function isLowS (s: bigint): boolean {
  return s <= HALF_ORDER
}

/** Fabric's `ToLowS`: the same signature with s replaced by n − s when s is high. */
export function toLowS (sig: EcdsaSignature): EcdsaSignature {
  return isLowS(sig.s) ? sig : { r: sig.r, s: CURVE_ORDER - sig.s }
}

/**
 * Decode a signature in the given encoding, or `null` when it is malformed: non-DER
 * (BER lengths, padding, trailing bytes), wrong P1363 length, or r/s outside [1, n-1].
 * Uses noble's strict DER parser (it passes every Wycheproof encoding vector).
 */
export function decodeSignature (bytes: Uint8Array, format: SignatureFormat = 'der'): EcdsaSignature | null {
  if (!(bytes instanceof Uint8Array)) return null
  if (format === 'p1363' && bytes.length !== P1363_BYTES) return null
  try {
    const sig = p256.Signature.fromBytes(bytes, format === 'der' ? 'der' : 'compact')
    return { r: sig.r, s: sig.s }
  } catch {
    return null
  }
}

/** DER `ECDSA-Sig-Value`, as Fabric's `MarshalECDSASignature`. */
export function encodeDer (sig: EcdsaSignature): Uint8Array {
  return new p256.Signature(sig.r, sig.s).toBytes('der')
}

/** IEEE P1363 `r‖s`, 32 bytes each: the form WebCrypto signs and verifies. */
export function encodeP1363 (sig: EcdsaSignature): Uint8Array {
  return new p256.Signature(sig.r, sig.s).toBytes('compact')
}

/** DER → P1363, or `null` when the DER is malformed. */
export function derToP1363 (der: Uint8Array): Uint8Array | null {
  const sig = decodeSignature(der, 'der')
  return sig === null ? null : encodeP1363(sig)
}

/** P1363 → DER, or `null` when malformed. */
export function p1363ToDer (p1363: Uint8Array): Uint8Array | null {
  const sig = decodeSignature(p1363, 'p1363')
  return sig === null ? null : encodeDer(sig)
}

/**
 * Decode a SEC1 public key (65-byte uncompressed or 33-byte compressed) to a curve point,
 * or `null` when the bytes are not a point on P-256 (or are the identity).
 */
export function decodePublicKey (publicKey: Uint8Array): P256Point | null {
  if (!(publicKey instanceof Uint8Array)) return null
  if (publicKey.length !== UNCOMPRESSED_KEY_BYTES && publicKey.length !== COMPRESSED_KEY_BYTES) return null
  try {
    const point = P256.fromBytes(publicKey)
    point.assertValidity()
    return point.is0() ? null : point
  } catch {
    return null
  }
}

/** The 65-byte uncompressed SEC1 form of a valid public key (throws on an invalid one). */
export function uncompressedPublicKey (point: P256Point): Uint8Array {
  return point.toBytes(false)
}

// SubjectPublicKeyInfo header for id-ecPublicKey / prime256v1 with a 65-byte BIT STRING
// (RFC 5480). Every uncompressed P-256 SPKI is these 26 bytes followed by the SEC1 point.
const SPKI_P256_UNCOMPRESSED_PREFIX = Uint8Array.from([
  0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
  0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00
])

/** DER SubjectPublicKeyInfo for an uncompressed P-256 key (what certificates and WebCrypto 'spki' carry). */
export function spkiFromPublicKey (publicKey: Uint8Array): Uint8Array {
  const point = decodePublicKey(publicKey)
  if (point === null) throw new RangeError('publicKey is not a P-256 point')
  const out = new Uint8Array(SPKI_P256_UNCOMPRESSED_PREFIX.length + UNCOMPRESSED_KEY_BYTES)
  out.set(SPKI_P256_UNCOMPRESSED_PREFIX)
  out.set(uncompressedPublicKey(point), SPKI_P256_UNCOMPRESSED_PREFIX.length)
  return out
}

/**
 * SEC1 uncompressed key from a P-256 SubjectPublicKeyInfo in the canonical form above, or `null`.
 * Certificates from other tools use the same canonical DER, so exact-prefix matching suffices.
 */
export function publicKeyFromSpki (spki: Uint8Array): Uint8Array | null {
  if (spki.length !== SPKI_P256_UNCOMPRESSED_PREFIX.length + UNCOMPRESSED_KEY_BYTES) return null
  for (let i = 0; i < SPKI_P256_UNCOMPRESSED_PREFIX.length; i++) {
    if (spki[i] !== SPKI_P256_UNCOMPRESSED_PREFIX[i]) return null
  }
  const key = spki.slice(SPKI_P256_UNCOMPRESSED_PREFIX.length)
  return decodePublicKey(key) === null ? null : key
}

/** SHA-256 digest as a scalar mod n (FIPS 186-4 §6.4: for P-256/SHA-256 the whole digest is used). */
export function digestToScalar (digest: Uint8Array): bigint {
  let x = 0n
  for (const b of digest) x = (x << 8n) | BigInt(b)
  return x % CURVE_ORDER
}
