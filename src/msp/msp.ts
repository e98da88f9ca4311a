import { LruCache } from '../crypto/lru.js'
import type { Verifier } from '../crypto/verifier.js'
import { defaultVerifier } from '../crypto/verifier-default.js'
import { systemClock, type Clock } from '../shared/clock.js'
import {
  authorityKeyId, certificatePublicKey, isCaCertificate, parseCertificate, subjectKeyId, verifySignedObject, type Certificate
} from './certificate.js'
import { MspError } from './errors.js'
import { Identity } from './identity.js'
import { DEFAULT_NODE_OUS, NODE_ROLES, type NodeOUs, type NodeRole, type Principal } from './roles.js'
import { decodeSerializedIdentity, type SerializedIdentityFields } from './serialized-identity.js'
import { x509 } from './x509.js'

export interface MspConfig {
  mspId: string
  /** PEM or DER root CA certificates (self-signed). */
  rootCerts: ReadonlyArray<string | Uint8Array>
  /** PEM or DER intermediate CA certificates, each chaining to a root or another intermediate. */
  intermediateCerts?: ReadonlyArray<string | Uint8Array>
  /** PEM or DER CRLs, each signed by one of the CAs above. */
  revocationList?: ReadonlyArray<string | Uint8Array>
  /** Default: enabled with Fabric's OU names client/peer/admin/orderer. */
  nodeOUs?: Partial<NodeOUs>
  /** Validity periods are checked against this clock. */
  clock?: Clock
  /** Verifies message signatures (low-S, as Fabric) and, without low-S, certificate signatures. */
  verifier?: Verifier
  /** Verifies certificate and CRL signatures (no low-S rule). Default: `defaultVerifier({ lowS: false })`. */
  certificateVerifier?: Verifier
  /** Deserialized identities and validation results kept (LRU each). */
  cacheSize?: number
}

/** The outcome of the time-independent checks (chain, signatures, role), cached per certificate. */
type Structural = { ok: true, chain: readonly Certificate[], role: NodeRole | undefined } | { ok: false, error: MspError }

const MAX_CHAIN_DEPTH = 8

/**
 * An X.509 MSP with Fabric's bccspmsp semantics (msp/mspimpl.go, mspimplvalidate.go): identities
 * must chain to a configured root (through optional intermediates), be inside their validity
 * period, not be revoked by a CRL of their issuer, not be CA certificates, and — with NodeOUs
 * enabled — carry exactly one role OU. Admins are identified by the `admin` NodeOU.
 *
 * Deviations: Fabric's MSP leaves expiry to its callers (it sets the chain-verification time to
 * notBefore); here `validate` checks validity periods against the injected clock, as the brief
 * for Weft asks. There is no explicit admin-certificate list (Fabric's pre-NodeOU mechanism).
 */
export class Msp {
  readonly mspId: string
  readonly nodeOUs: NodeOUs
  readonly roots: readonly Certificate[]
  readonly intermediates: readonly Certificate[]
  readonly #cas: readonly Certificate[]
  readonly #clock: Clock
  readonly #verifier: Verifier
  readonly #certVerifier: Verifier
  /** `<issuer SKI>:<serial>` of every revoked certificate. */
  readonly #revoked = new Set<string>()
  readonly #identities: LruCache<string, Identity>
  readonly #structural: LruCache<string, Promise<Structural>>

  private constructor (config: MspConfig, roots: Certificate[], intermediates: Certificate[]) {
    this.mspId = config.mspId
    this.nodeOUs = Object.freeze({ ...DEFAULT_NODE_OUS, ...config.nodeOUs })
    this.roots = Object.freeze(roots)
    this.intermediates = Object.freeze(intermediates)
    this.#cas = Object.freeze([...roots, ...intermediates])
    this.#clock = config.clock ?? systemClock
    this.#verifier = config.verifier ?? defaultVerifier()
    this.#certVerifier = config.certificateVerifier ?? defaultVerifier({ lowS: false })
    this.#identities = new LruCache(config.cacheSize ?? 1024)
    this.#structural = new LruCache(config.cacheSize ?? 1024)
  }

  /** Build and check an MSP: roots self-signed CAs, intermediates chaining to them, CRLs signed by them. */
  static async create (config: MspConfig): Promise<Msp> {
    if (typeof config.mspId !== 'string' || config.mspId === '') throw new MspError('MSP_MALFORMED', 'mspId must be a non-empty string')
    if (!Array.isArray(config.rootCerts) || config.rootCerts.length === 0) throw new MspError('MSP_MALFORMED', 'an MSP needs at least one root certificate')
    const verifier = config.certificateVerifier ?? defaultVerifier({ lowS: false })
    const roots = config.rootCerts.map((c) => parseCertificate(c))
    for (const root of roots) {
      if (!isCaCertificate(root)) throw new MspError('MSP_BAD_CERT', `root ${root.subject} is not a CA certificate`)
      if (!await verifySignedObject(root, certificatePublicKey(root), verifier)) throw new MspError('MSP_BAD_CERT', `root ${root.subject} is not validly self-signed`)
    }
    // Intermediates may be listed in any order; accept each once its issuer is accepted.
    const pending = (config.intermediateCerts ?? []).map((c) => parseCertificate(c))
    const accepted: Certificate[] = []
    while (pending.length > 0) {
      let progressed = false
      for (let i = 0; i < pending.length; i++) {
        const cert = pending[i] as Certificate
        if (!isCaCertificate(cert)) throw new MspError('MSP_BAD_CERT', `intermediate ${cert.subject} is not a CA certificate`)
        const issuers = candidateIssuers(cert, [...roots, ...accepted])
        if (issuers.length === 0) continue
        if (!await someVerifies(cert, issuers, verifier)) throw new MspError('MSP_BAD_CERT', `intermediate ${cert.subject} has a bad signature`)
        accepted.push(cert)
        pending.splice(i, 1)
        progressed = true
        break
      }
      if (!progressed) throw new MspError('MSP_UNKNOWN_CA', `intermediate ${(pending[0] as Certificate).subject} does not chain to a root`)
    }
    const msp = new Msp(config, roots, accepted)
    for (const crl of config.revocationList ?? []) await msp.addRevocationList(crl)
    return msp
  }

  /** Accept a CRL signed by one of this MSP's CAs; its entries apply from now on. */
  async addRevocationList (input: string | Uint8Array): Promise<void> {
    let crl: x509.X509Crl
    try {
      crl = new x509.X509Crl(input as string | Uint8Array<ArrayBuffer>)
    } catch (err) {
      throw new MspError('MSP_MALFORMED', 'not a CRL', { cause: err })
    }
    const issuers = candidateIssuers(crl, this.#cas)
    if (issuers.length === 0) throw new MspError('MSP_UNKNOWN_CA', `CRL issuer ${crl.issuer} is not a CA of ${this.mspId}`)
    const issuer = await firstVerifying(crl, issuers, this.#certVerifier)
    if (issuer === undefined) throw new MspError('MSP_BAD_CERT', `CRL from ${crl.issuer} has a bad signature`)
    const ski = issuerKeyOf(issuer)
    for (const entry of crl.entries) this.#revoked.add(`${ski}:${entry.serialNumber.toLowerCase()}`)
  }

  /** Fabric's DeserializeIdentity: bytes of a SerializedIdentity, or its two fields. Cached. */
  deserializeIdentity (input: Uint8Array | SerializedIdentityFields): Identity {
    const fields = input instanceof Uint8Array ? decodeSerializedIdentity(input) : input
    if (typeof fields?.mspid !== 'string' || !(fields.idBytes instanceof Uint8Array)) {
      throw new MspError('MSP_MALFORMED', 'expected SerializedIdentity bytes or { mspid, idBytes }')
    }
    if (fields.mspid !== this.mspId) throw new MspError('MSP_WRONG_MSP', `identity of ${fields.mspid} presented to MSP ${this.mspId}`)
    const key = `${fields.mspid}\u0000${latin1(fields.idBytes)}`
    const cached = this.#identities.get(key)
    if (cached !== undefined) return cached
    const identity = new Identity(fields.mspid, fields.idBytes, this.#verifier)
    this.#identities.set(key, identity)
    return identity
  }

  /**
   * Fabric's Validate: resolves when the identity is valid now, else throws MspError with
   * MSP_WRONG_MSP, MSP_BAD_CERT, MSP_UNKNOWN_CA, MSP_EXPIRED, MSP_REVOKED or MSP_NO_ROLE.
   */
  async validate (identity: Identity): Promise<void> {
    await this.#validated(identity)
  }

  /** The identity's NodeOU role after validation (undefined when NodeOUs are disabled). */
  async roleOf (identity: Identity): Promise<NodeRole | undefined> {
    return await this.#validated(identity)
  }

  async isAdmin (identity: Identity): Promise<boolean> {
    return this.nodeOUs.enable && await this.#validated(identity) === 'admin'
  }

  /**
   * Fabric's SatisfiesPrincipal. Resolves when `identity` is valid and matches the principal:
   * - `{ mspId, role }` (MSPRole): `member` is any valid identity of the MSP; `client`, `peer`,
   *   `admin`, `orderer` need that NodeOU role;
   * - `{ mspId, organizationalUnit }`: the subject carries that OU (Fabric also compares the
   *   issuing chain's identifier; here the chain is this MSP's by validation);
   * - `{ identity }`: the same SerializedIdentity (mspid and certificate bytes).
   * Throws MSP_WRONG_MSP, MSP_ROLE_MISMATCH, or any `validate` error.
   */
  async satisfiesPrincipal (identity: Identity, principal: Principal): Promise<void> {
    if ('identity' in principal) {
      const wanted = this.deserializeIdentity(principal.identity)
      if (wanted.mspId !== identity.mspId || wanted.fingerprint !== identity.fingerprint) {
        throw new MspError('MSP_ROLE_MISMATCH', `identity ${identity.id} is not the identity the principal names (${wanted.id})`)
      }
      await this.#validated(identity)
      return
    }
    if (principal.mspId !== this.mspId || identity.mspId !== principal.mspId) {
      throw new MspError('MSP_WRONG_MSP', `identity of ${identity.mspId} cannot satisfy a principal of ${principal.mspId} (MSP ${this.mspId})`)
    }
    const role = await this.#validated(identity)
    if ('organizationalUnit' in principal) {
      if (!identity.organizationalUnits.includes(principal.organizationalUnit)) {
        throw new MspError('MSP_ROLE_MISMATCH', `identity ${identity.id} is not in OU ${principal.organizationalUnit}`)
      }
      return
    }
    if (principal.role === 'member') return
    if (!this.nodeOUs.enable) throw new MspError('MSP_ROLE_MISMATCH', `role ${principal.role} needs NodeOUs, which are disabled in ${this.mspId}`)
    if (role !== principal.role) throw new MspError('MSP_ROLE_MISMATCH', `identity ${identity.id} is ${String(role)}, not ${principal.role}`)
  }

  /** Like `satisfiesPrincipal`, as a boolean (for policy evaluation). */
  async satisfies (identity: Identity, principal: Principal): Promise<boolean> {
    try {
      await this.satisfiesPrincipal(identity, principal)
      return true
    } catch (err) {
      if (err instanceof MspError) return false
      throw err
    }
  }

  async #validated (identity: Identity): Promise<NodeRole | undefined> {
    if (!(identity instanceof Identity)) throw new MspError('MSP_MALFORMED', 'not an Identity')
    if (identity.mspId !== this.mspId) throw new MspError('MSP_WRONG_MSP', `identity of ${identity.mspId} presented to MSP ${this.mspId}`)
    let pending = this.#structural.get(identity.fingerprint)
    if (pending === undefined) {
      pending = this.#checkStructure(identity.certificate)
      this.#structural.set(identity.fingerprint, pending)
    }
    const result = await pending
    if (!result.ok) throw result.error
    // Time and revocation change after caching, so they are checked on every call.
    const now = this.#clock.now()
    for (const cert of result.chain) {
      if (now < cert.notBefore.getTime()) throw new MspError('MSP_EXPIRED', `${cert.subject} is not valid before ${cert.notBefore.toISOString()}`)
      if (now > cert.notAfter.getTime()) throw new MspError('MSP_EXPIRED', `${cert.subject} expired at ${cert.notAfter.toISOString()}`)
    }
    for (let i = 0; i + 1 < result.chain.length; i++) {
      const cert = result.chain[i] as Certificate
      const issuer = result.chain[i + 1] as Certificate
      if (this.#revoked.has(`${issuerKeyOf(issuer)}:${cert.serialNumber.toLowerCase()}`)) {
        throw new MspError('MSP_REVOKED', `${cert.subject} (serial ${cert.serialNumber}) is revoked`)
      }
    }
    return result.role
  }

  async #checkStructure (leaf: Certificate): Promise<Structural> {
    try {
      if (isCaCertificate(leaf)) throw new MspError('MSP_BAD_CERT', 'a CA certificate cannot be used as an identity')
      const chain: Certificate[] = [leaf]
      let current = leaf
      while (!this.roots.includes(current)) {
        if (chain.length > MAX_CHAIN_DEPTH) throw new MspError('MSP_BAD_CERT', 'certificate chain too long')
        const issuers = candidateIssuers(current, this.#cas)
        if (issuers.length === 0) throw new MspError('MSP_UNKNOWN_CA', `issuer ${current.issuer} of ${current.subject} is not a CA of ${this.mspId}`)
        const issuer = await firstVerifying(current, issuers, this.#certVerifier)
        if (issuer === undefined) throw new MspError('MSP_BAD_CERT', `signature on ${current.subject} does not verify under its issuer ${current.issuer}`)
        chain.push(issuer)
        current = issuer
      }
      return { ok: true, chain: Object.freeze(chain), role: this.#role(leaf) }
    } catch (err) {
      if (err instanceof MspError) return { ok: false, error: err }
      throw err
    }
  }

  #role (cert: Certificate): NodeRole | undefined {
    if (!this.nodeOUs.enable) return undefined
    const ous = cert.subjectName.getField('OU')
    const roles = NODE_ROLES.filter((role) => ous.includes(this.nodeOUs[role]))
    if (roles.length === 1) return roles[0]
    throw new MspError('MSP_NO_ROLE', roles.length === 0
      ? `identity has none of the role OUs ${NODE_ROLES.map((r) => this.nodeOUs[r]).join(', ')}`
      : `identity must have exactly one role, not a combination (${roles.join(', ')})`)
  }
}

/** CAs that may have issued `signed`: by key identifier when both sides carry one, else by name. */
function candidateIssuers (signed: Certificate | x509.X509Crl, cas: readonly Certificate[]): Certificate[] {
  const aki = authorityKeyId(signed)
  return cas.filter((ca) => {
    const ski = subjectKeyId(ca)
    if (aki !== undefined && ski !== undefined) return aki === ski
    return ca.subject === signed.issuer
  })
}

async function firstVerifying (signed: Certificate | x509.X509Crl, issuers: readonly Certificate[], verifier: Verifier): Promise<Certificate | undefined> {
  for (const issuer of issuers) {
    if (await verifySignedObject(signed, certificatePublicKey(issuer), verifier)) return issuer
  }
  return undefined
}

async function someVerifies (signed: Certificate, issuers: readonly Certificate[], verifier: Verifier): Promise<boolean> {
  return await firstVerifying(signed, issuers, verifier) !== undefined
}

/** A stable key for an issuer in the revocation set (its SKI, or its DER-derived subject). */
function issuerKeyOf (issuer: Certificate): string {
  return subjectKeyId(issuer) ?? issuer.subject
}

function latin1 (bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192))
  return s
}
