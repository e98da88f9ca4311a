import { hexToBytes } from '@noble/hashes/utils.js'

/**
 * Wycheproof ECDSA vectors (https://github.com/C2SP/wycheproof, Apache-2.0, see
 * test/vectors/wycheproof/LICENSE), copied gzipped into test/vectors/wycheproof/.
 * Browser-safe: the Node and Chromium loaders live in the test files.
 */
export interface WycheproofTest {
  tcId: number
  comment: string
  flags: string[]
  msg: string
  sig: string
  result: 'valid' | 'invalid' | 'acceptable'
}

export interface WycheproofGroup {
  publicKey: { uncompressed: string, wx: string, wy: string }
  tests: WycheproofTest[]
}

export interface WycheproofFile {
  numberOfTests: number
  testGroups: WycheproofGroup[]
}

export type WycheproofName = 'ecdsa_secp256r1_sha256_test' | 'ecdsa_secp256r1_sha256_p1363_test'

export function hex (h: string): Uint8Array {
  return hexToBytes(h)
}
