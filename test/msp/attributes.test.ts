import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeAttributes, encodeAttributes } from '../../src/msp/attributes.js'
import { CertificateAuthority, Msp, createCsr, generateSigner } from '../../src/msp/index.js'
import { expectCode } from './fixtures.js'

const attrs = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 20 }), { maxKeys: 5 })

describe('Fabric CA attribute extension', () => {
  it('is the raw JSON {"attrs":{...}} and round-trips any names and values', () => {
    fc.assert(fc.property(attrs, (a) => {
      const bytes = encodeAttributes(a)
      expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual({ attrs: a })
      expect(decodeAttributes(bytes)).toEqual(a)
    }))
  })

  it('survives issuance: what the CA writes is what the identity reads', async () => {
    const ca = await CertificateAuthority.createRoot({ signer: await generateSigner(), subject: { commonName: 'ca', organization: 'Org1' } })
    const msp = await Msp.create({ mspId: 'Org1MSP', rootCerts: [ca.certificatePem] })
    const signer = await generateSigner()
    const csr = await createCsr(signer, { commonName: 'user' })
    await fc.assert(fc.asyncProperty(attrs, async (a) => {
      const pem = await ca.enroll(csr, { enrollmentId: 'user', role: 'client', attributes: a })
      const identity = msp.deserializeIdentity({ mspid: 'Org1MSP', idBytes: new TextEncoder().encode(pem) })
      expect(identity.attributes).toEqual({ 'hf.Affiliation': '', 'hf.EnrollmentID': 'user', 'hf.Type': 'client', ...a })
    }), { numRuns: 15 })
  })

  it('rejects non-JSON, non-object and non-string values with MSP_MALFORMED', async () => {
    const enc = new TextEncoder()
    for (const bad of ['not json', '{"attrs":[1]}', '{"attrs":{"a":1}}', '{"attrs":"x"}']) {
      await expectCode(() => decodeAttributes(enc.encode(bad)), 'MSP_MALFORMED')
    }
    expect(decodeAttributes(enc.encode('{}'))).toEqual({})
    await expectCode(() => encodeAttributes({ '': 'x' }), 'MSP_MALFORMED')
    // A hostile name stays data, not a prototype change.
    const proto = decodeAttributes(enc.encode('{"attrs":{"__proto__":"x","a":"b"}}'))
    expect(Object.getOwnPropertyNames(proto).sort()).toEqual(['__proto__', 'a'])
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype)
  })
})
