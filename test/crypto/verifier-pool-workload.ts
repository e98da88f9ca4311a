// Deterministic signed requests for the pool tests: `keys` keys, `count` signatures over
// `messageBytes`-byte messages, signed by @noble/curves (keys rotate: request i uses key i mod keys).
import { p256 } from '@noble/curves/nist.js'
import type { VerifyRequest } from '../../src/crypto/verifier.js'

export function signedRequests (count: number, keys: number, messageBytes = 100, seed = 1): VerifyRequest[] {
  const secretKeys = Array.from({ length: keys }, (_v, k) => {
    const sk = new Uint8Array(32).map((_b, i) => (i * 29 + k * 71 + seed * 13 + 5) & 0xff)
    sk[0] = 0x21
    return sk
  })
  const publicKeys = secretKeys.map((sk) => p256.getPublicKey(sk, false))
  const out: VerifyRequest[] = []
  for (let i = 0; i < count; i++) {
    const k = i % keys
    const message = new Uint8Array(messageBytes).map((_b, j) => (i * 7 + j * 31 + seed) & 0xff)
    const signature = p256.sign(message, secretKeys[k] as Uint8Array, { format: 'der' })
    out.push({ publicKey: publicKeys[k] as Uint8Array, message, signature })
  }
  return out
}
