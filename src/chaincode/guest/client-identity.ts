/**
 * fabric-shim's ClientIdentity (lib/chaincode.js), built from identity facts the host parsed
 * with src/msp (the guest has no X.509 parser): getID in Fabric's `x509::subject::issuer` form,
 * getMSPID, getIDBytes, getAttributeValue/assertAttributeValue (Fabric CA attributes, extension
 * 1.2.3.4.5.6.7.8.1) and getX509Certificate with the fields of fabric-shim's parsed certificate.
 */
import type { Buffer } from 'buffer'
import type { ClientIdentity as ClientIdentityApi } from 'fabric-shim-api'
import { fromHex } from './bytes.js'
import type { WireCertName, WireIdentity } from '../protocol.js'

const identities = new WeakMap<object, WireIdentity>()

/** Binds the identity of a stub created by this runtime. */
export function bindIdentity (stub: object, identity: WireIdentity): void { identities.set(stub, identity) }

export type X509Name = WireCertName

export interface X509Certificate {
  raw: Buffer
  serialNumber: string
  validFrom: Date
  validTo: Date
  signatureAlgorithm: string
  subject: X509Name
  issuer: X509Name
  publicKeyRaw: Buffer
}

export class ClientIdentity implements ClientIdentityApi {
  readonly mspId: string
  readonly id: string
  readonly attrs: Record<string, string>
  readonly #identity: WireIdentity

  constructor (stub: object) {
    const identity = identities.get(stub)
    if (identity === undefined) throw new Error('ClientIdentity needs the stub of the current transaction')
    this.#identity = identity
    this.mspId = identity.mspId
    this.id = identity.id
    this.attrs = { ...identity.attributes }
  }

  getID (): string { return this.id }
  getMSPID (): string { return this.mspId }
  getIDBytes (): Buffer { return fromHex(this.#identity.idBytes) }

  getAttributeValue (attrName: string): string | null {
    const value = Object.prototype.hasOwnProperty.call(this.attrs, attrName) ? this.attrs[attrName] : undefined
    return value === undefined || value === '' ? null : value
  }

  assertAttributeValue (attrName: string, attrValue: string): boolean {
    const value = this.getAttributeValue(attrName)
    return value !== null && value === attrValue
  }

  getX509Certificate (): X509Certificate {
    const c = this.#identity.certificate
    if (c === undefined) throw new Error('the creator is not an X.509 identity')
    return {
      raw: fromHex(c.raw),
      serialNumber: c.serialNumber,
      validFrom: new Date(c.validFrom),
      validTo: new Date(c.validTo),
      signatureAlgorithm: c.signatureAlgorithm,
      subject: structuredCopy(c.subject),
      issuer: structuredCopy(c.issuer),
      publicKeyRaw: fromHex(c.publicKeyRaw)
    }
  }
}

function structuredCopy (n: WireCertName): X509Name {
  return { ...n, attributes: n.attributes.map((a) => ({ ...a })) }
}
