/**
 * A test organization: a Fabric-CA-style root CA, its MSP, and enrollment of identities with
 * NodeOU roles and attributes (what `cryptogen`/Fabric CA give a Fabric test network).
 *
 * @module
 */
import { generateSigner } from '../msp/keystore.js'
import {
  CertificateAuthority, Msp, SigningIdentity, createCsr, type Attributes, type NodeRole
} from '../msp/index.js'
import type { Clock } from '../shared/clock.js'

export interface EnrollOptions {
  role?: NodeRole
  attributes?: Attributes
}

export class TestOrg {
  private constructor (
    readonly mspId: string,
    readonly ca: CertificateAuthority,
    readonly msp: Msp
  ) {}

  static async create (mspId: string, options: { clock?: Clock } = {}): Promise<TestOrg> {
    // Noble keys: identical behaviour in Node and in pages without crypto.subtle.
    const signer = await generateSigner({ preferWebCrypto: false })
    const domain = mspId.toLowerCase().replace(/msp$/, '') + '.example.com'
    const ca = await CertificateAuthority.createRoot({ signer, subject: { commonName: `ca.${domain}`, organization: domain }, ...(options.clock === undefined ? {} : { clock: options.clock }) })
    const msp = await Msp.create({ mspId, rootCerts: [ca.certificatePem], ...(options.clock === undefined ? {} : { clock: options.clock }) })
    return new TestOrg(mspId, ca, msp)
  }

  /** A new key pair and certificate for `enrollmentId`, as a signing identity of this org. */
  async enroll (enrollmentId: string, options: EnrollOptions = {}): Promise<SigningIdentity> {
    const signer = await generateSigner({ preferWebCrypto: false })
    const csr = await createCsr(signer, { commonName: enrollmentId })
    const pem = await this.ca.enroll(csr, { enrollmentId, role: options.role ?? 'client', ...(options.attributes === undefined ? {} : { attributes: options.attributes }) })
    const identity = this.msp.deserializeIdentity({ mspid: this.mspId, idBytes: new TextEncoder().encode(pem) })
    return new SigningIdentity(identity, signer)
  }
}
