import type { Signer } from '../crypto/signer.js'
import { publicKeyObject, signerKey, x509Crypto } from './x509-crypto.js'
import { MspError } from './errors.js'
import { x509 } from './x509.js'

/** What an enrollee puts in its certificate request; the CA decides role, OU and attributes. */
export interface CsrSubject {
  /** The enrollment ID (Fabric CA requires CN = enrollment ID). */
  commonName: string
}

/**
 * A PKCS#10 request for `signer`'s key, signed by it (proof of possession), as PEM. Works with
 * WebCrypto and noble signers alike and needs no `crypto.subtle`.
 */
export async function createCsr (signer: Signer, subject: CsrSubject): Promise<string> {
  if (typeof subject.commonName !== 'string' || subject.commonName === '') {
    throw new MspError('MSP_MALFORMED', 'commonName must be a non-empty string')
  }
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [subject.commonName] }],
    keys: { privateKey: signerKey(signer), publicKey: publicKeyObject(signer.publicKey) },
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }
  }, x509Crypto)
  return csr.toString('pem')
}
