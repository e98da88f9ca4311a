import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CURVE_ORDER, decodeSignature, encodeDer } from '../../src/crypto/ecdsa.js'
import type { Signer } from '../../src/crypto/signer.js'
import { NobleSigner } from '../../src/crypto/signer-noble.js'
import { defaultVerifier } from '../../src/crypto/verifier-default.js'
import {
  CertificateAuthority, ClientIdentityInfo, IdbKeyStore, Msp, SigningIdentity, computeTxId, createCsr, generateSigner,
  newNonce, signerFromStoredKey, storedKeyOf, x509, type Identity, type NodeRole
} from '../../src/msp/index.js'
import { CountingVerifier, ManualClock, derToPem, expectCode, indexOfAscii, pemToDer, removeSubtle } from './fixtures.js'

const DAY = 86_400_000
const enc = new TextEncoder()

interface Org {
  ca: CertificateAuthority
  clock: ManualClock
  enroll: (id: string, role: NodeRole, attributes?: Record<string, string>, ca?: CertificateAuthority) => Promise<{ pem: string, signer: Signer }>
}

async function makeOrg (name: string, clock = new ManualClock()): Promise<Org> {
  const ca = await CertificateAuthority.createRoot({
    signer: await generateSigner(),
    subject: { commonName: `ca.${name.toLowerCase()}.example.com`, organization: name, country: 'US', state: 'North Carolina' },
    clock
  })
  return {
    ca,
    clock,
    enroll: async (id, role, attributes, issuer = ca) => {
      const signer = await generateSigner()
      const pem = await issuer.enroll(await createCsr(signer, { commonName: id }), { enrollmentId: id, role, ...(attributes === undefined ? {} : { attributes }) })
      return { pem, signer }
    }
  }
}

/**
 * The MSP behaviour, run once with WebCrypto present and once with `crypto.subtle` removed (a
 * plain-http page): identities must not depend on it.
 */
export function mspSuite (label: string, withSubtle: boolean): void {
  describe(`MSP (${label})`, () => {
    let restore: (() => void) | undefined
    let org1: Org
    let msp: Msp
    let alice: { pem: string, signer: Signer }
    let aliceId: Identity

    beforeAll(async () => {
      if (!withSubtle) restore = removeSubtle()
      org1 = await makeOrg('Org1')
      msp = await Msp.create({ mspId: 'Org1MSP', rootCerts: [org1.ca.certificatePem], clock: org1.clock })
      alice = await org1.enroll('alice', 'client', { role: 'auditor' })
      aliceId = msp.deserializeIdentity({ mspid: 'Org1MSP', idBytes: enc.encode(alice.pem) })
    })
    afterAll(() => { restore?.() })

    it(withSubtle ? 'runs with crypto.subtle' : 'runs without crypto.subtle (WASM verifier, noble-backed x509)', () => {
      expect(globalThis.crypto.subtle === undefined).toBe(!withSubtle)
      expect(defaultVerifier().name).toBe('wasm')
      expect(defaultVerifier({ backend: 'webcrypto' }).name).toBe(withSubtle ? 'webcrypto' : 'noble')
    })

    it('creates a Fabric-CA-style self-signed root', async () => {
      const cert = org1.ca.certificate
      expect(cert.subject).toBe('C=US, ST=North Carolina, O=Org1, CN=ca.org1.example.com')
      expect(cert.issuer).toBe(cert.subject)
      const bc = cert.getExtension(x509.BasicConstraintsExtension)
      expect(bc?.ca).toBe(true)
      expect(bc?.critical).toBe(true)
      const ku = cert.getExtension(x509.KeyUsagesExtension)?.usages ?? 0
      expect(ku & x509.KeyUsageFlags.keyCertSign).toBeTruthy()
      expect(ku & x509.KeyUsageFlags.cRLSign).toBeTruthy()
      const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId
      expect(ski).toMatch(/^[0-9a-f]{64}$/)
      expect(cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(ski)
      if (withSubtle) {
        // Independent check with x509's own WebCrypto path.
        expect(await cert.verify({ signatureOnly: true })).toBe(true)
      }
    })

    it('issues enrollment certificates with the NodeOU role and Fabric CA attributes', async () => {
      const cert = aliceId.certificate
      expect(cert.subject).toBe('C=US, ST=North Carolina, O=Org1, OU=client, CN=alice')
      expect(cert.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false)
      const raw = cert.getExtension('1.2.3.4.5.6.7.8.1')
      expect(raw?.critical).toBe(false)
      // The extension value is the raw JSON bytes, no ASN.1 wrapping (fabric-ca attrmgr).
      expect(JSON.parse(new TextDecoder().decode(raw?.value))).toEqual({
        attrs: { 'hf.Affiliation': '', 'hf.EnrollmentID': 'alice', 'hf.Type': 'client', role: 'auditor' }
      })
      expect(aliceId.attributes.role).toBe('auditor')
      expect(aliceId.organizationalUnits).toEqual(['client'])
      expect(aliceId.id).toBe('x509::CN=alice,OU=client,O=Org1,ST=North Carolina,C=US::CN=ca.org1.example.com,O=Org1,ST=North Carolina,C=US')
      if (withSubtle) expect(await cert.verify({ publicKey: org1.ca.certificate.publicKey, signatureOnly: true })).toBe(true)
    })

    it('validates a good identity and gives its role', async () => {
      await msp.validate(aliceId)
      expect(await msp.roleOf(aliceId)).toBe('client')
      expect(await msp.isAdmin(aliceId)).toBe(false)
    })

    it('serializes as SerializedIdentity and round-trips (cached)', () => {
      const bytes = aliceId.serialize()
      // Field 1 (mspid) then field 2 (id_bytes), as Fabric's protobuf; fabric-interop.test.ts decodes it with fabric-protos.
      expect(bytes.subarray(0, 9)).toEqual(Uint8Array.of(0x0a, 7, ...enc.encode('Org1MSP')))
      const again = msp.deserializeIdentity(bytes)
      expect(again).toBe(aliceId) // cached
      expect(again.serialize()).toEqual(bytes)
    })

    it('satisfies member and role principals, and refuses others with MSP_ROLE_MISMATCH', async () => {
      await msp.satisfiesPrincipal(aliceId, { mspId: 'Org1MSP', role: 'member' })
      await msp.satisfiesPrincipal(aliceId, { mspId: 'Org1MSP', role: 'client' })
      for (const role of ['peer', 'admin', 'orderer'] as const) {
        await expectCode(msp.satisfiesPrincipal(aliceId, { mspId: 'Org1MSP', role }), 'MSP_ROLE_MISMATCH')
        expect(await msp.satisfies(aliceId, { mspId: 'Org1MSP', role })).toBe(false)
      }
      const admin = msp.deserializeIdentity({ mspid: 'Org1MSP', idBytes: enc.encode((await org1.enroll('org1admin', 'admin')).pem) })
      expect(await msp.isAdmin(admin)).toBe(true)
      await msp.satisfiesPrincipal(admin, { mspId: 'Org1MSP', role: 'admin' })
      const peer = msp.deserializeIdentity({ mspid: 'Org1MSP', idBytes: enc.encode((await org1.enroll('peer0', 'peer')).pem) })
      await msp.satisfiesPrincipal(peer, { mspId: 'Org1MSP', role: 'peer' })
      await expectCode(msp.satisfiesPrincipal(peer, { mspId: 'Org1MSP', role: 'client' }), 'MSP_ROLE_MISMATCH')
    })

    it('satisfies OU and identity principals', async () => {
      await msp.satisfiesPrincipal(aliceId, { mspId: 'Org1MSP', organizationalUnit: 'client' })
      await expectCode(msp.satisfiesPrincipal(aliceId, { mspId: 'Org1MSP', organizationalUnit: 'sales' }), 'MSP_ROLE_MISMATCH')
      await expectCode(msp.satisfiesPrincipal(aliceId, { mspId: 'Org2MSP', organizationalUnit: 'client' }), 'MSP_WRONG_MSP')
      await msp.satisfiesPrincipal(aliceId, { identity: aliceId.serialize() })
      const other = msp.deserializeIdentity({ mspid: 'Org1MSP', idBytes: enc.encode((await org1.enroll('zoe', 'client')).pem) })
      await expectCode(msp.satisfiesPrincipal(aliceId, { identity: other.serialize() }), 'MSP_ROLE_MISMATCH')
      expect(await msp.satisfies(other, { identity: other.serialize() })).toBe(true)
    })

    it('MSP_WRONG_MSP: identity or principal of another MSP', async () => {
      expect(() => msp.deserializeIdentity({ mspid: 'Org2MSP', idBytes: enc.encode(alice.pem) })).toThrow(expect.objectContaining({ code: 'MSP_WRONG_MSP' }))
      await expectCode(msp.satisfiesPrincipal(aliceId, { mspId: 'Org2MSP', role: 'member' }), 'MSP_WRONG_MSP')
      const other = await Msp.create({ mspId: 'Org2MSP', rootCerts: [org1.ca.certificatePem], clock: org1.clock })
      await expectCode(other.validate(aliceId), 'MSP_WRONG_MSP')
    })

    it('MSP_UNKNOWN_CA: certificate from another CA, even one with the same name', async () => {
      const org2 = await makeOrg('Org2', org1.clock)
      const bob = await org2.enroll('bob', 'client')
      await expectCode(msp.validate(msp.deserializeIdentity({ mspid: 'Org1MSP', idBytes: enc.encode(bob.pem) })), 'MSP_UNKNOWN_CA')
      const impostor = await makeOrg('Org1', org1.clock) // same subject DN, different key
      const mallory = await impostor.enroll('mallory', 'client')
      await expectCode(msp.validate(msp.deserializeIdentity({ mspid: 'Org1MSP', idBytes: enc.encode(mallory.pem) })), 'MSP_UNKNOWN_CA')
    })

    it('MSP_BAD_CERT: tampered certificate, and a CA certificate used as an identity', async () => {
      const der = pemToDer(alice.pem)
      const at = indexOfAscii(der, 'alice')
      expect(at).toBeGreaterThan(0)
      const tampered = Uint8Array.from(der)
      tampered[at + 4] = 'f'.charCodeAt(0) // CN=alicf, still well-formed
      const forged = msp.deserializeIdentity({ mspid: 'Org1MSP', idBytes: enc.encode(derToPem(tampered)) })
      expect(forged.id).toContain('CN=alicf')
      await expectCode(msp.validate(forged), 'MSP_BAD_CERT')
      const caAsIdentity = msp.deserializeIdentity({ mspid: 'Org1MSP', idBytes: enc.encode(org1.ca.certificatePem) })
      await expectCode(msp.validate(caAsIdentity), 'MSP_BAD_CERT')
    })

    it('MSP_EXPIRED: after notAfter and before notBefore, by the injected clock', async () => {
      const now = org1.clock.t
      try {
        org1.clock.t = aliceId.expiresAt.getTime() + 1
        await expectCode(msp.validate(aliceId), 'MSP_EXPIRED')
        org1.clock.t = aliceId.notBefore.getTime() - 1
        await expectCode(msp.validate(aliceId), 'MSP_EXPIRED')
        org1.clock.t = now + 300 * DAY
        await msp.validate(aliceId)
      } finally {
        org1.clock.t = now
      }
    })

    it('MSP_REVOKED: a CRL from the CA revokes, whether given at creation or added later', async () => {
      const carol = await org1.enroll('carol', 'client')
      const carolId = msp.deserializeIdentity({ mspid: 'Org1MSP', idBytes: enc.encode(carol.pem) })
      await msp.validate(carolId) // cached as structurally valid first
      org1.ca.revoke(carol.pem, x509.X509CrlReason.keyCompromise)
      const crl = await org1.ca.generateCrl()
      const parsed = new x509.X509Crl(crl)
      expect(parsed.findRevoked(carolId.certificate)?.reason).toBe(x509.X509CrlReason.keyCompromise)
      await msp.addRevocationList(crl)
      await expectCode(msp.validate(carolId), 'MSP_REVOKED')
      await msp.validate(aliceId) // others unaffected
      const fresh = await Msp.create({ mspId: 'Org1MSP', rootCerts: [org1.ca.certificatePem], revocationList: [crl], clock: org1.clock })
      await expectCode(fresh.validate(fresh.deserializeIdentity(carolId.serialize())), 'MSP_REVOKED')
      // A CRL signed by another CA is refused.
      const org2 = await makeOrg('Org2', org1.clock)
      await expectCode(msp.addRevocationList(await org2.ca.generateCrl()), 'MSP_UNKNOWN_CA')
    })

    it('MSP_NO_ROLE: NodeOUs enabled and none of the role OUs present', async () => {
      const renamed = await Msp.create({
        mspId: 'Org1MSP', rootCerts: [org1.ca.certificatePem], clock: org1.clock,
        nodeOUs: { client: 'customer', peer: 'node', admin: 'boss', orderer: 'sequencer' }
      })
      await expectCode(renamed.validate(renamed.deserializeIdentity(aliceId.serialize())), 'MSP_NO_ROLE')
      const withoutOus = await Msp.create({ mspId: 'Org1MSP', rootCerts: [org1.ca.certificatePem], clock: org1.clock, nodeOUs: { enable: false } })
      const plain = withoutOus.deserializeIdentity(aliceId.serialize())
      await withoutOus.validate(plain)
      await withoutOus.satisfiesPrincipal(plain, { mspId: 'Org1MSP', role: 'member' })
      await expectCode(withoutOus.satisfiesPrincipal(plain, { mspId: 'Org1MSP', role: 'client' }), 'MSP_ROLE_MISMATCH')
    })

    it('MSP_MALFORMED: bytes that are not a SerializedIdentity or a certificate', () => {
      const malformed: unknown[] = [
        Uint8Array.of(0xff, 0xff, 0xff),
        new Uint8Array(0),
        { mspid: 'Org1MSP', idBytes: enc.encode('not a certificate') },
        { mspid: 'Org1MSP', idBytes: enc.encode('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n') },
        { mspid: 'Org1MSP', idBytes: Uint8Array.of(0xc3, 0x28) },
        { mspid: 'Org1MSP' },
        'text'
      ]
      for (const input of malformed) {
        expect(() => msp.deserializeIdentity(input as Uint8Array)).toThrow(expect.objectContaining({ code: 'MSP_MALFORMED' }))
      }
    })

    it('signing identities sign; MSP_BAD_SIGNATURE for wrong, tampered or high-S signatures', async () => {
      const signing = new SigningIdentity(aliceId, alice.signer)
      const message = enc.encode('proposal bytes')
      const signature = await signing.sign(message)
      await aliceId.verify(message, signature)
      await expectCode(aliceId.verify(enc.encode('other bytes'), signature), 'MSP_BAD_SIGNATURE')
      const sig = decodeSignature(signature) as { r: bigint, s: bigint }
      await expectCode(aliceId.verify(message, encodeDer({ r: sig.r, s: CURVE_ORDER - sig.s })), 'MSP_BAD_SIGNATURE')
      await expectCode(aliceId.verify(message, Uint8Array.of(1, 2, 3)), 'MSP_BAD_SIGNATURE')
      expect(signing.serialize()).toEqual(aliceId.serialize())
      expect(() => new SigningIdentity(aliceId, NobleSigner.generate())).toThrow(expect.objectContaining({ code: 'MSP_MALFORMED' }))
    })

    it('checks the CSR: proof of possession and CN = enrollment ID', async () => {
      const signer = await generateSigner()
      const csr = await createCsr(signer, { commonName: 'dave' })
      await expectCode(org1.ca.enroll(csr, { enrollmentId: 'eve', role: 'client' }), 'MSP_MALFORMED')
      const der = pemToDer(csr)
      const at = indexOfAscii(der, 'dave')
      der[at] = 'D'.charCodeAt(0) // the request no longer matches its signature
      await expectCode(org1.ca.enroll(der, { enrollmentId: 'Dave', role: 'client' }), 'MSP_BAD_SIGNATURE')
      await expectCode(org1.ca.enroll(csr, { enrollmentId: 'dave', role: 'superuser' as NodeRole }), 'MSP_MALFORMED')
      await expectCode(org1.ca.enroll('garbage', { enrollmentId: 'dave', role: 'client' }), 'MSP_MALFORMED')
    })

    it('chains through intermediates, and needs them configured', async () => {
      const intermediate = await org1.ca.createIntermediate({
        signer: await generateSigner(), subject: { commonName: 'ica.org1.example.com', organization: 'Org1', country: 'US' }
      })
      const frank = await org1.enroll('frank', 'peer', undefined, intermediate)
      const full = await Msp.create({
        mspId: 'Org1MSP', rootCerts: [org1.ca.certificatePem], intermediateCerts: [intermediate.certificatePem], clock: org1.clock
      })
      const frankId = full.deserializeIdentity({ mspid: 'Org1MSP', idBytes: enc.encode(frank.pem) })
      await full.satisfiesPrincipal(frankId, { mspId: 'Org1MSP', role: 'peer' })
      await expectCode(msp.validate(msp.deserializeIdentity(frankId.serialize())), 'MSP_UNKNOWN_CA')
      // Revocation by the intermediate applies.
      intermediate.revoke(frank.pem)
      await full.addRevocationList(await intermediate.generateCrl())
      await expectCode(full.validate(frankId), 'MSP_REVOKED')
      // An intermediate whose root is not configured is refused at configuration time.
      const org3 = await makeOrg('Org3', org1.clock)
      await expectCode(Msp.create({ mspId: 'Org1MSP', rootCerts: [org3.ca.certificatePem], intermediateCerts: [intermediate.certificatePem] }), 'MSP_UNKNOWN_CA')
    })

    it('caches validation: chain signatures are checked once per certificate', async () => {
      const counting = new CountingVerifier(defaultVerifier({ lowS: false }))
      const cached = await Msp.create({ mspId: 'Org1MSP', rootCerts: [org1.ca.certificatePem], clock: org1.clock, certificateVerifier: counting })
      const id = cached.deserializeIdentity(aliceId.serialize())
      const before = counting.calls
      await Promise.all([cached.validate(id), cached.validate(id)])
      for (let i = 0; i < 5; i++) await cached.validate(cached.deserializeIdentity(aliceId.serialize()))
      expect(counting.calls - before).toBe(1)
    })

    it('ClientIdentity view: getID, getMSPID, attributes as the Fabric Node shim', () => {
      const cid = new ClientIdentityInfo(aliceId.serialize())
      expect(cid.getID()).toBe(aliceId.id)
      expect(cid.getMSPID()).toBe('Org1MSP')
      expect(new TextDecoder().decode(cid.getIDBytes())).toBe(alice.pem)
      expect(cid.getAttributeValue('hf.EnrollmentID')).toBe('alice')
      expect(cid.getAttributeValue('role')).toBe('auditor')
      expect(cid.getAttributeValue('hf.Affiliation')).toBeNull() // empty, as the shim returns null
      expect(cid.getAttributeValue('missing')).toBeNull()
      expect(cid.assertAttributeValue('role', 'auditor')).toBe(true)
      expect(cid.assertAttributeValue('role', 'admin')).toBe(false)
    })

    it('txId = hex(SHA-256(nonce ‖ creator)) with a 24-byte nonce', () => {
      const creator = aliceId.serialize()
      const nonce = newNonce()
      expect(nonce.length).toBe(24)
      expect(newNonce()).not.toEqual(nonce)
      const expected = bytesToHex(nobleSha256(concatBytes(nonce, creator)))
      expect(computeTxId(nonce, creator)).toBe(expected)
      expect(() => computeTxId(new Uint8Array(0), creator)).toThrow(expect.objectContaining({ code: 'MSP_MALFORMED' }))
    })

    it('persists signing keys in IndexedDB and signs with them after reopening', async () => {
      const dbName = `weft-keys-test-${label}-${Math.random()}`
      const store = await IdbKeyStore.open(dbName)
      const stored = storedKeyOf(alice.signer)
      expect(stored.kind).toBe(withSubtle ? 'webcrypto' : 'raw')
      if (stored.kind === 'webcrypto') expect(stored.privateKey.extractable).toBe(false)
      await store.put('Org1MSP/alice', stored)
      store.close()
      const reopened = await IdbKeyStore.open(dbName)
      expect(await reopened.labels()).toEqual(['Org1MSP/alice'])
      const restoredKey = await reopened.get('Org1MSP/alice')
      expect(restoredKey).toBeDefined()
      const restored = new SigningIdentity(aliceId, signerFromStoredKey(restoredKey as NonNullable<typeof restoredKey>))
      const message = enc.encode('after reload')
      await aliceId.verify(message, await restored.sign(message))
      await reopened.delete('Org1MSP/alice')
      expect(await reopened.get('Org1MSP/alice')).toBeUndefined()
      reopened.close()
    })
  })
}
