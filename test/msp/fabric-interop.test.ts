import { readFileSync } from 'node:fs'
import { msp as fabricMsp } from '@hyperledger/fabric-protos'
import { describe, expect, it } from 'vitest'
import { CertificateAuthority, ClientIdentityInfo, Msp, certificatePublicKey, createCsr, generateSigner, parseCertificate } from '../../src/msp/index.js'
import { expectCode } from './fixtures.js'

// Certificates issued by fabric-ca, from Fabric's own chaincode-library tests (see the README there).
const vectors = JSON.parse(readFileSync(new URL('../vectors/fabric/cid_test_certs.json', import.meta.url), 'utf8')) as {
  certWithOutAttrs: string
  certWithAttrs: string
}

function creator (pem: string): Uint8Array {
  return creatorOf('SampleOrg', pem)
}

function creatorOf (mspid: string, pem: string): Uint8Array {
  const sid = new fabricMsp.SerializedIdentity()
  sid.setMspid(mspid)
  sid.setIdBytes(new TextEncoder().encode(pem))
  return sid.serializeBinary()
}

describe('real Fabric certificates', () => {
  it('our SerializedIdentity bytes decode with @hyperledger/fabric-protos', async () => {
    const ca = await CertificateAuthority.createRoot({ signer: await generateSigner(), subject: { commonName: 'ca', organization: 'Org1' } })
    const signer = await generateSigner()
    const pem = await ca.enroll(await createCsr(signer, { commonName: 'alice' }), { enrollmentId: 'alice', role: 'client' })
    const msp = await Msp.create({ mspId: 'Org1MSP', rootCerts: [ca.certificatePem] })
    const identity = msp.deserializeIdentity({ mspid: 'Org1MSP', idBytes: new TextEncoder().encode(pem) })
    const fabric = fabricMsp.SerializedIdentity.deserializeBinary(identity.serialize())
    expect(fabric.getMspid()).toBe('Org1MSP')
    expect(new TextDecoder().decode(fabric.getIdBytes_asU8())).toBe(pem)
    expect(msp.deserializeIdentity(creatorOf('Org1MSP', pem))).toBe(identity)
  })

  it('reads fabric-ca attributes and IDs as Fabric ClientIdentity does', () => {
    const cid = new ClientIdentityInfo(creator(vectors.certWithAttrs))
    expect(cid.getMSPID()).toBe('SampleOrg')
    expect(cid.getAttributeValue('attr1')).toBe('val1')
    expect(cid.assertAttributeValue('attr1', 'val1')).toBe(true)
    expect(cid.assertAttributeValue('attr1', 'val2')).toBe(false)
    expect(cid.getAttributeValue('foo')).toBeNull()
    expect(cid.getID()).toBe('x509::CN=MyTestUserWithAttrs::CN=fabric-ca-server')
  })

  it('formats multi-attribute DNs last RDN first, like Go pkix and the Node shim', () => {
    const cid = new ClientIdentityInfo(creator(vectors.certWithOutAttrs))
    expect(cid.getID()).toBe('x509::CN=admin,OU=Fabric,O=Hyperledger,ST=North Carolina,C=US::CN=example.com,OU=WWW,O=Internet Widgets,L=San Francisco,ST=California,C=US')
    expect(cid.getAttributeValue('attr1')).toBeNull()
    expect(certificatePublicKey(parseCertificate(vectors.certWithOutAttrs)).length).toBe(65)
  })

  it('an MSP without their CA refuses them as MSP_UNKNOWN_CA', async () => {
    const ca = await CertificateAuthority.createRoot({ signer: await generateSigner(), subject: { commonName: 'fabric-ca-server', organization: 'Other' } })
    const msp = await Msp.create({ mspId: 'SampleOrg', rootCerts: [ca.certificatePem] })
    await expectCode(msp.validate(msp.deserializeIdentity(creator(vectors.certWithAttrs))), 'MSP_UNKNOWN_CA')
  })
})
