import { bytesToHex } from '@noble/hashes/utils.js'
import { sha256 } from '../crypto/sha256.js'
import { randomBytes } from '../crypto/random.js'
import type { Signer } from '../crypto/signer.js'
import { spkiFromPublicKey } from '../crypto/ecdsa.js'
import { defaultVerifier } from '../crypto/verifier-default.js'
import { systemClock, type Clock } from '../shared/clock.js'
import { ATTRIBUTE_EXTENSION_OID, encodeAttributes, type Attributes } from './attributes.js'
import { certificatePublicKey, isCaCertificate, parseCertificate, sameBytes, subjectKeyId, verifySignedObject, type Certificate } from './certificate.js'
import { MspError } from './errors.js'
import { isNodeRole, type NodeRole } from './roles.js'
import { signerKey, x509Crypto } from './x509-crypto.js'
import { x509 } from './x509.js'

/** Subject of a CA certificate, Fabric CA style (`C, ST, L, O, OU, CN`). */
export interface CaSubject {
  commonName: string
  organization: string
  organizationalUnit?: string
  country?: string
  state?: string
  locality?: string
}

export interface CaInit {
  /** The CA's signing key; WebCrypto (non-extractable) or noble. */
  signer: Signer
  clock?: Clock
}

export interface RootCaInit extends CaInit {
  subject: CaSubject
  /** Fabric CA's default root lifetime is 15 years. */
  validityDays?: number
}

export interface EnrollmentRequest {
  /** Must equal the CSR's CN, as Fabric CA requires. */
  enrollmentId: string
  /** Written as `OU=<role>` (NodeOU) and as the `hf.Type` attribute. */
  role: NodeRole
  /** Extra OUs after the role, like Fabric CA's affiliation (`org1.department1` → two OUs). */
  affiliation?: readonly string[]
  /** Custom attributes; `hf.EnrollmentID`, `hf.Type`, `hf.Affiliation` are added as Fabric CA does. */
  attributes?: Attributes
  notBefore?: Date
  /** Fabric CA's default enrollment certificate lifetime is one year. */
  validityDays?: number
}

export interface RevokedEntry {
  serialNumber: string
  revocationDate: Date
  reason: x509.X509CrlReason
}

const DAY_MS = 86_400_000
const SIGNING_ALGORITHM: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' }

/**
 * An in-browser certificate authority in the style of Fabric CA: a self-signed P-256 root (or an
 * intermediate under one), enrollment certificates issued from PKCS#10 requests with NodeOU roles
 * and attributes, revocation and CRLs. Needs no `crypto.subtle` (see x509-crypto.ts).
 */
export class CertificateAuthority {
  readonly certificate: Certificate
  readonly #signer: Signer
  readonly #clock: Clock
  readonly #revoked = new Map<string, RevokedEntry>()
  #crlNumber = 0

  private constructor (certificate: Certificate, signer: Signer, clock: Clock) {
    this.certificate = certificate
    this.#signer = signer
    this.#clock = clock
  }

  /** PEM of the CA certificate, for MSP configs (`rootCerts` / `intermediateCerts`). */
  get certificatePem (): string { return this.certificate.toString('pem') }

  /** A CA from an existing CA certificate and its key (e.g. restored from storage). */
  static fromCertificate (certificate: string | Uint8Array | Certificate, init: CaInit): CertificateAuthority {
    const cert = certificate instanceof x509.X509Certificate ? certificate : parseCertificate(certificate)
    if (!isCaCertificate(cert)) throw new MspError('MSP_BAD_CERT', 'not a CA certificate (basicConstraints CA is not set)')
    if (!sameBytes(certificatePublicKey(cert), init.signer.publicKey)) {
      throw new MspError('MSP_MALFORMED', 'signer key does not match the CA certificate')
    }
    return new CertificateAuthority(cert, init.signer, init.clock ?? systemClock)
  }

  /** A self-signed root CA certificate for `signer`'s key. */
  static async createRoot (init: RootCaInit): Promise<CertificateAuthority> {
    const clock = init.clock ?? systemClock
    const name = caName(init.subject)
    const notBefore = new Date(clock.now() - 60_000) // tolerate small clock skew between tabs
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: newSerialNumber(),
      subject: name,
      issuer: name,
      notBefore,
      notAfter: new Date(notBefore.getTime() + (init.validityDays ?? 15 * 365) * DAY_MS),
      publicKey: spkiFromPublicKey(init.signer.publicKey) as Uint8Array<ArrayBuffer>,
      signingKey: signerKey(init.signer),
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: caExtensions(init.signer.publicKey, init.signer.publicKey)
    }, x509Crypto)
    return new CertificateAuthority(cert, init.signer, clock)
  }

  /** An intermediate CA for `init.signer`, issued by this CA. */
  async createIntermediate (init: RootCaInit): Promise<CertificateAuthority> {
    const notBefore = new Date(this.#clock.now() - 60_000)
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: newSerialNumber(),
      subject: caName(init.subject),
      issuer: this.certificate.subjectName,
      notBefore,
      notAfter: new Date(notBefore.getTime() + (init.validityDays ?? 5 * 365) * DAY_MS),
      publicKey: spkiFromPublicKey(init.signer.publicKey) as Uint8Array<ArrayBuffer>,
      signingKey: signerKey(this.#signer),
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: caExtensions(init.signer.publicKey, this.#signer.publicKey)
    }, x509Crypto)
    return new CertificateAuthority(cert, init.signer, init.clock ?? this.#clock)
  }

  /**
   * Issue an enrollment certificate for a PKCS#10 request. The CSR's signature (proof that the
   * requester holds the key) and CN are checked; subject O/C/ST/L come from the CA, the OUs are
   * the role then the affiliation, as Fabric CA writes them.
   */
  async enroll (csrInput: string | Uint8Array, request: EnrollmentRequest): Promise<string> {
    if (typeof request.enrollmentId !== 'string' || request.enrollmentId === '') throw new MspError('MSP_MALFORMED', 'enrollmentId must be a non-empty string')
    if (!isNodeRole(request.role)) throw new MspError('MSP_MALFORMED', `role must be one of client, peer, admin, orderer; got ${String(request.role)}`)
    let csr: x509.Pkcs10CertificateRequest
    try {
      csr = new x509.Pkcs10CertificateRequest(csrInput as string | Uint8Array<ArrayBuffer>)
    } catch (err) {
      throw new MspError('MSP_MALFORMED', 'not a PKCS#10 certificate request', { cause: err })
    }
    const publicKey = certificatePublicKey(csr)
    if (!await verifySignedObject(csr, publicKey, defaultVerifier({ lowS: false }))) {
      throw new MspError('MSP_BAD_SIGNATURE', 'certificate request signature does not verify')
    }
    const cn = csr.subjectName.getField('CN')
    if (cn.length !== 1 || cn[0] !== request.enrollmentId) {
      throw new MspError('MSP_MALFORMED', `CSR common name ${JSON.stringify(cn)} does not match enrollment ID ${request.enrollmentId}`)
    }
    const affiliation = request.affiliation ?? []
    const attrs: Attributes = {
      'hf.Affiliation': affiliation.join('.'),
      'hf.EnrollmentID': request.enrollmentId,
      'hf.Type': request.role,
      ...request.attributes
    }
    const subject: x509.JsonName = [
      ...this.#inheritedSubject(),
      ...[request.role, ...affiliation].map((ou) => ({ OU: [ou] })),
      { CN: [request.enrollmentId] }
    ]
    const notBefore = request.notBefore ?? new Date(this.#clock.now() - 60_000)
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: newSerialNumber(),
      subject,
      issuer: this.certificate.subjectName,
      notBefore,
      notAfter: new Date(notBefore.getTime() + (request.validityDays ?? 365) * DAY_MS),
      publicKey: spkiFromPublicKey(publicKey) as Uint8Array<ArrayBuffer>,
      signingKey: signerKey(this.#signer),
      signingAlgorithm: SIGNING_ALGORITHM,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.SubjectKeyIdentifierExtension(keyId(publicKey)),
        new x509.AuthorityKeyIdentifierExtension(keyId(this.#signer.publicKey)),
        new x509.Extension(ATTRIBUTE_EXTENSION_OID, false, encodeAttributes(attrs) as Uint8Array<ArrayBuffer>)
      ]
    }, x509Crypto)
    return cert.toString('pem')
  }

  /** Mark a certificate (or serial number, hex) revoked; it appears on the next CRL. */
  revoke (certificate: string | Uint8Array | Certificate, reason: x509.X509CrlReason = x509.X509CrlReason.unspecified): void {
    const cert = certificate instanceof x509.X509Certificate ? certificate : parseCertificate(certificate)
    if (subjectKeyId(this.certificate) !== cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId) {
      throw new MspError('MSP_UNKNOWN_CA', 'certificate was not issued by this CA')
    }
    const serialNumber = cert.serialNumber.toLowerCase()
    this.#revoked.set(serialNumber, { serialNumber, revocationDate: new Date(this.#clock.now()), reason })
  }

  get revoked (): readonly RevokedEntry[] { return [...this.#revoked.values()] }

  /** A CRL of everything revoked so far, signed by this CA, as PEM. */
  async generateCrl (options: { nextUpdateDays?: number } = {}): Promise<string> {
    const thisUpdate = new Date(this.#clock.now())
    const crl = await x509.X509CrlGenerator.create({
      issuer: this.certificate.subjectName,
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + (options.nextUpdateDays ?? 7) * DAY_MS),
      entries: this.revoked.map((e) => ({ serialNumber: e.serialNumber, revocationDate: e.revocationDate, reason: e.reason })),
      extensions: [
        new x509.AuthorityKeyIdentifierExtension(keyId(this.#signer.publicKey)),
        new x509.Extension(CRL_NUMBER_OID, false, derInteger(++this.#crlNumber) as Uint8Array<ArrayBuffer>)
      ],
      signingKey: signerKey(this.#signer),
      signingAlgorithm: SIGNING_ALGORITHM
    }, x509Crypto)
    // OpenSSL and Go expect the 'X509 CRL' PEM label (x509 writes 'CRL').
    return x509.PemConverter.encode(crl.rawData, 'X509 CRL')
  }

  /** C, ST, L, O of the CA, reused for the certificates it issues. */
  #inheritedSubject (): x509.JsonName {
    const out: x509.JsonName = []
    for (const rdn of this.certificate.subjectName.toJSON()) {
      const kept = Object.fromEntries(Object.entries(rdn).filter(([type]) => ['C', 'ST', 'L', 'O'].includes(type)))
      if (Object.keys(kept).length > 0) out.push(kept)
    }
    return out
  }
}

/** Fabric's bccsp SKI for an ECDSA key: SHA-256 of the uncompressed point, hex. */
export function keyId (publicKey: Uint8Array): string {
  return bytesToHex(sha256(certificatePublicKeyBytes(publicKey)))
}

function certificatePublicKeyBytes (publicKey: Uint8Array): Uint8Array {
  // Normalise compressed keys so the identifier depends on the key, not its encoding.
  return spkiFromPublicKey(publicKey).subarray(26)
}

function caName (s: CaSubject): x509.JsonName {
  if (typeof s.commonName !== 'string' || s.commonName === '' || typeof s.organization !== 'string' || s.organization === '') {
    throw new MspError('MSP_MALFORMED', 'CA subject needs a commonName and an organization')
  }
  const name: x509.JsonName = []
  if (s.country !== undefined) name.push({ C: [s.country] })
  if (s.state !== undefined) name.push({ ST: [s.state] })
  if (s.locality !== undefined) name.push({ L: [s.locality] })
  name.push({ O: [s.organization] })
  if (s.organizationalUnit !== undefined) name.push({ OU: [s.organizationalUnit] })
  name.push({ CN: [s.commonName] })
  return name
}

function caExtensions (subjectKey: Uint8Array, issuerKey: Uint8Array): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
    new x509.SubjectKeyIdentifierExtension(keyId(subjectKey)),
    new x509.AuthorityKeyIdentifierExtension(keyId(issuerKey))
  ]
}

/** id-ce-cRLNumber (RFC 5280 §5.2.3): a conforming CRL carries a monotonically increasing number. */
const CRL_NUMBER_OID = '2.5.29.20'

function derInteger (value: number): Uint8Array {
  const bytes: number[] = []
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256)
  if (bytes.length === 0 || (bytes[0] as number) >= 0x80) bytes.unshift(0)
  return Uint8Array.of(0x02, bytes.length, ...bytes)
}

/** 128 random bits, positive and without a leading zero byte (RFC 5280 §4.1.2.2: ≤ 20 octets). */
function newSerialNumber (): string {
  const bytes = randomBytes(16)
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01
  return bytesToHex(bytes)
}
