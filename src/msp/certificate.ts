import { publicKeyFromSpki } from '../crypto/ecdsa.js'
import type { Verifier } from '../crypto/verifier.js'
import { MspError } from './errors.js'
import { x509 } from './x509.js'

/**
 * Certificate helpers on top of @peculiar/x509, independent of `crypto.subtle`: parsing,
 * the subject's P-256 key, key identifiers, and signature checks through our `Verifier`.
 */

export type Certificate = x509.X509Certificate

/** OID ecdsa-with-SHA256 (RFC 5758 §3.2), the only signature algorithm Weft's MSP accepts. */
export const ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2'

/** Parse a PEM or DER certificate; MSP_MALFORMED if it is not one or its key is not P-256. */
export function parseCertificate (input: string | Uint8Array): Certificate {
  let cert: Certificate
  try {
    cert = new x509.X509Certificate(input as string | Uint8Array<ArrayBuffer>)
  } catch (err) {
    throw new MspError('MSP_MALFORMED', 'not an X.509 certificate', { cause: err })
  }
  if (publicKeyFromSpki(new Uint8Array(cert.publicKey.rawData)) === null) {
    throw new MspError('MSP_MALFORMED', 'certificate key is not an uncompressed ECDSA P-256 key')
  }
  return cert
}

/** The subject's SEC1 uncompressed public key. */
export function certificatePublicKey (cert: Certificate | x509.Pkcs10CertificateRequest): Uint8Array {
  const key = publicKeyFromSpki(new Uint8Array(cert.publicKey.rawData))
  if (key === null) throw new MspError('MSP_MALFORMED', 'key is not an uncompressed ECDSA P-256 key')
  return key
}

export function derOf (cert: { rawData: ArrayBuffer }): Uint8Array {
  return new Uint8Array(cert.rawData)
}

export function isCaCertificate (cert: Certificate): boolean {
  return cert.getExtension(x509.BasicConstraintsExtension)?.ca === true
}

export function subjectKeyId (cert: Certificate): string | undefined {
  return cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId
}

export function authorityKeyId (cert: Certificate | x509.X509Crl): string | undefined {
  return cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId
}

export function sameBytes (a: ArrayBuffer | Uint8Array, b: ArrayBuffer | Uint8Array): boolean {
  const x = a instanceof Uint8Array ? a : new Uint8Array(a)
  const y = b instanceof Uint8Array ? b : new Uint8Array(b)
  return x.length === y.length && x.every((v, i) => v === y[i])
}

/**
 * The exact to-be-signed bytes of a certificate, CSR or CRL: the first element of the outer
 * SEQUENCE, sliced from the encoding (re-serialising could change non-canonical input).
 */
export function signedPortion (der: Uint8Array): Uint8Array {
  const outer = readHeader(der, 0)
  if (der[0] !== 0x30 || outer.end !== der.length) throw new MspError('MSP_MALFORMED', 'not a DER SEQUENCE')
  const inner = readHeader(der, outer.contentStart)
  if (der[outer.contentStart] !== 0x30 || inner.end > der.length) throw new MspError('MSP_MALFORMED', 'signed portion is not a SEQUENCE')
  return der.subarray(outer.contentStart, inner.end)
}

function readHeader (der: Uint8Array, at: number): { contentStart: number, end: number } {
  const first = der[at + 1]
  if (first === undefined) throw new MspError('MSP_MALFORMED', 'truncated DER')
  if (first < 0x80) return { contentStart: at + 2, end: at + 2 + first }
  const n = first & 0x7f
  if (n === 0 || n > 4 || at + 2 + n > der.length) throw new MspError('MSP_MALFORMED', 'bad DER length')
  let len = 0
  for (let i = 0; i < n; i++) len = len * 256 + (der[at + 2 + i] as number)
  return { contentStart: at + 2 + n, end: at + 2 + n + len }
}

/**
 * Whether `signed` (certificate, CSR or CRL) carries a valid ecdsa-with-SHA256 signature by
 * `issuerKey`. High-S signatures are accepted: Fabric's MSP normalises certificate signatures
 * (`sanitizeCert`) instead of rejecting them.
 */
export async function verifySignedObject (
  signed: Certificate | x509.Pkcs10CertificateRequest | x509.X509Crl,
  issuerKey: Uint8Array,
  verifier: Verifier
): Promise<boolean> {
  try {
    if (signatureOid(derOf(signed)) !== ECDSA_WITH_SHA256) return false
    return await verifier.verify({
      publicKey: issuerKey,
      message: signedPortion(derOf(signed)),
      signature: new Uint8Array(signed.signature),
      format: 'der'
    })
  } catch {
    return false
  }
}

/** The outer signatureAlgorithm OID (second element of the outer SEQUENCE), dotted. */
function signatureOid (der: Uint8Array): string | undefined {
  const outer = readHeader(der, 0)
  const tbs = readHeader(der, outer.contentStart)
  const alg = readHeader(der, tbs.end)
  if (der[tbs.end] !== 0x30 || der[alg.contentStart] !== 0x06) return undefined
  const oid = readHeader(der, alg.contentStart)
  const bytes = der.subarray(oid.contentStart, oid.end)
  if (bytes.length === 0) return undefined
  const parts: number[] = [Math.floor((bytes[0] as number) / 40), (bytes[0] as number) % 40]
  let value = 0
  for (const b of bytes.subarray(1)) {
    value = value * 128 + (b & 0x7f)
    if ((b & 0x80) === 0) { parts.push(value); value = 0 }
  }
  return parts.join('.')
}
