import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { NobleSigner } from '../../src/crypto/signer-noble.js'
import { publicKeyObject, signerKey, x509Crypto } from '../../src/msp/x509-crypto.js'
import { expectCode } from './fixtures.js'

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' }
const SIGN = { name: 'ECDSA', hash: 'SHA-256' }
const data = new TextEncoder().encode('to be signed')

describe('the noble-backed Crypto given to @peculiar/x509', () => {
  it('digests like node:crypto', async () => {
    for (const [alg, node] of [['SHA-1', 'sha1'], ['SHA-256', 'sha256'], ['SHA-384', 'sha384'], ['SHA-512', 'sha512']] as const) {
      const ours = Buffer.from(await x509Crypto.subtle.digest(alg, data)).toString('hex')
      expect(ours).toBe(createHash(node).update(data).digest('hex'))
    }
  })

  it('generates keys that sign P1363 signatures WebCrypto verifies', async () => {
    const pair = await x509Crypto.subtle.generateKey(ECDSA, true, ['sign', 'verify'])
    const signature = await x509Crypto.subtle.sign(SIGN, pair.privateKey, data)
    expect(signature.byteLength).toBe(64)
    expect(await x509Crypto.subtle.verify(SIGN, pair.publicKey, signature, data)).toBe(true)
    const spki = await x509Crypto.subtle.exportKey('spki', pair.publicKey)
    const native = await crypto.subtle.importKey('spki', spki, ECDSA, true, ['verify'])
    expect(await crypto.subtle.verify(SIGN, native, signature, data)).toBe(true)
    const raw = new Uint8Array(await x509Crypto.subtle.exportKey('raw', pair.publicKey))
    expect(raw).toEqual(new Uint8Array(await crypto.subtle.exportKey('raw', native)))
  })

  it('imports WebCrypto PKCS#8 and exports PKCS#8 WebCrypto imports', async () => {
    const nativePair = await crypto.subtle.generateKey(ECDSA, true, ['sign', 'verify'])
    const pkcs8 = await crypto.subtle.exportKey('pkcs8', nativePair.privateKey)
    const ours = await x509Crypto.subtle.importKey('pkcs8', pkcs8, ECDSA, true, ['sign'])
    const signature = await x509Crypto.subtle.sign(SIGN, ours, data)
    expect(await crypto.subtle.verify(SIGN, nativePair.publicKey, signature, data)).toBe(true)
    const exported = await x509Crypto.subtle.exportKey('pkcs8', ours)
    const back = await crypto.subtle.importKey('pkcs8', exported, ECDSA, false, ['sign'])
    const sig2 = await crypto.subtle.sign(SIGN, back, data)
    expect(await crypto.subtle.verify(SIGN, nativePair.publicKey, sig2, data)).toBe(true)
  })

  it('signs with any Signer and refuses what it does not support', async () => {
    const signer = NobleSigner.generate()
    const signature = await x509Crypto.subtle.sign(SIGN, signerKey(signer), data)
    expect(await x509Crypto.subtle.verify(SIGN, publicKeyObject(signer.publicKey), signature, data)).toBe(true)
    expect(await x509Crypto.subtle.verify(SIGN, publicKeyObject(signer.publicKey), signature, Uint8Array.of(1))).toBe(false)
    await expectCode(x509Crypto.subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, signerKey(signer), data), 'MSP_MALFORMED')
    await expectCode(x509Crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign']), 'MSP_MALFORMED')
    await expectCode(x509Crypto.subtle.exportKey('pkcs8', signerKey(signer)), 'MSP_MALFORMED') // not extractable
    await expectCode(x509Crypto.subtle.sign(SIGN, publicKeyObject(signer.publicKey), data), 'MSP_MALFORMED')
    await expectCode(x509Crypto.subtle.importKey('pkcs8', new Uint8Array(10), ECDSA, true, ['sign']), 'MSP_MALFORMED')
  })
})
