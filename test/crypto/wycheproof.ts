import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'

/**
 * Wycheproof ECDSA vectors (https://github.com/C2SP/wycheproof, Apache-2.0, see
 * test/vectors/wycheproof/LICENSE), copied gzipped into test/vectors/wycheproof/.
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

export function loadWycheproof (name: 'ecdsa_secp256r1_sha256_test' | 'ecdsa_secp256r1_sha256_p1363_test'): WycheproofFile {
  const url = new URL(`../vectors/wycheproof/${name}.json.gz`, import.meta.url)
  return JSON.parse(gunzipSync(readFileSync(url)).toString('utf8')) as WycheproofFile
}

export function hex (h: string): Uint8Array {
  return Uint8Array.from(Buffer.from(h, 'hex'))
}
