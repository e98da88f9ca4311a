/**
 * Facts about this peer, measured in the tab when it opens: which engines the ledger's hot paths
 * will use here and whether they give correct answers. Each probe resolves to a Fact; none throws.
 */
import { p256 } from '@noble/curves/nist.js'
import { sha256, sha256Backend, sha256Batch } from '../crypto/sha256.js'
import { defaultVerifier } from '../crypto/verifier-default.js'
import { formatBytes, formatRate, toHex } from './format.js'

export type FactStatus = 'pending' | 'ok' | 'warn' | 'fail'

export interface Fact {
  status: FactStatus
  /** Short headline, e.g. "WebAssembly SIMD". */
  value: string
  /** One sentence of context. */
  detail: string
  /** Machine-readable value for tests (e.g. the backend id). */
  raw?: string
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

// FIPS 180-2 appendix B vectors: one block, empty input, and a two-block message.
const SHA256_VECTORS: ReadonlyArray<readonly [string, string]> = [
  ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1']
]

const BACKEND_NAMES: Record<string, string> = {
  'wasm-simd': 'WebAssembly SIMD',
  wasm: 'WebAssembly',
  js: 'JavaScript'
}

export function hashEngineFact (): Fact {
  const backend = sha256Backend()
  const isWasm = backend !== 'js'
  return {
    status: isWasm ? 'ok' : 'warn',
    value: BACKEND_NAMES[backend] ?? backend,
    detail: isWasm
      ? 'Block, transaction and state hashes run in the AssemblyScript module.'
      : 'WebAssembly is unavailable here; hashing falls back to JavaScript.',
    raw: backend
  }
}

export async function sha256SelfTestFact (subtle: SubtleCrypto | undefined): Promise<Fact> {
  try {
    for (const [input, expected] of SHA256_VECTORS) {
      if (toHex(sha256(utf8(input))) !== expected) {
        return { status: 'fail', value: 'Failed', detail: `Wrong digest for the FIPS 180-2 vector "${input}".`, raw: 'fail' }
      }
    }
    // Lengths around the 55/56/64-byte padding boundaries, plus a multi-block message.
    const messages = [55, 56, 63, 64, 65, 1000].map((length) => crypto.getRandomValues(new Uint8Array(length)))
    const batch = sha256Batch(messages)
    if (batch.length !== messages.length || messages.some((message, i) => toHex(sha256(message)) !== toHex(batch[i] ?? new Uint8Array())) ) {
      return { status: 'fail', value: 'Failed', detail: 'Batch hashing disagrees with one-at-a-time hashing.', raw: 'fail' }
    }
    if (subtle === undefined) {
      return {
        status: 'ok',
        value: 'Passed',
        detail: 'FIPS 180-2 vectors match. WebCrypto cross-check skipped: not a secure context.',
        raw: 'pass'
      }
    }
    for (const message of messages) {
      const reference = new Uint8Array(await subtle.digest('SHA-256', message))
      if (toHex(reference) !== toHex(sha256(message))) {
        return { status: 'fail', value: 'Failed', detail: `Disagrees with WebCrypto on a ${message.length}-byte message.`, raw: 'fail' }
      }
    }
    return { status: 'ok', value: 'Passed', detail: 'FIPS 180-2 vectors match, and random messages agree with WebCrypto.', raw: 'pass' }
  } catch (error) {
    return { status: 'fail', value: 'Failed', detail: describeError(error), raw: 'fail' }
  }
}

/** Hashes batches of 64-byte messages (the size of two chained digests) for about `budgetMs`. */
export function hashRateFact (budgetMs = 200): Fact {
  const batchSize = 1024
  const messages = Array.from({ length: batchSize }, (_, i) => {
    const message = new Uint8Array(64)
    new DataView(message.buffer).setUint32(0, i)
    return message
  })
  sha256Batch(messages) // warm-up: compile tiers, grow memory
  let hashed = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < budgetMs) {
    sha256Batch(messages)
    hashed += batchSize
    elapsed = performance.now() - start
  }
  const rate = hashed / (elapsed / 1000)
  return {
    status: 'ok',
    value: formatRate(rate, 'hashes'),
    detail: `64-byte messages in batches of ${batchSize.toLocaleString('en-US')}, on this tab's main thread.`,
    raw: String(Math.round(rate))
  }
}

/** Signs with @noble/curves and verifies with the ledger's default verifier: two implementations must agree. */
export async function verifierFact (): Promise<Fact> {
  try {
    const verifier = defaultVerifier()
    const { secretKey, publicKey } = p256.keygen()
    const message = utf8('weft verifier self-test')
    const signature = p256.sign(message, secretKey, { format: 'der' })
    const tampered = utf8('weft verifier self-test!')
    const [good, bad] = await verifier.verifyBatch([
      { publicKey, message, signature },
      { publicKey, message: tampered, signature }
    ])
    const passed = good === true && bad === false
    return {
      status: passed ? 'ok' : 'fail',
      value: verifierName(verifier.name),
      detail: passed
        ? 'ECDSA P-256 self-test passed: accepts a valid signature, rejects a tampered message.'
        : 'ECDSA P-256 self-test FAILED.',
      raw: verifier.name
    }
  } catch (error) {
    return { status: 'fail', value: 'Unavailable', detail: describeError(error), raw: 'error' }
  }
}

function verifierName (name: string): string {
  if (name === 'webcrypto') return 'WebCrypto'
  if (name === 'noble') return 'noble-curves (JavaScript)'
  if (name === 'wasm') return 'WebAssembly'
  return name
}

export function secureContextFact (secure: boolean, origin: string): Fact {
  return secure
    ? { status: 'ok', value: 'Yes', detail: `${origin} can use WebCrypto and persistent storage.`, raw: 'yes' }
    : {
        status: 'warn',
        value: 'No',
        detail: `${origin} is not a secure context, so WebCrypto is off. Serve the app over https to fix this.`,
        raw: 'no'
      }
}

export async function storageFact (storage: StorageManager | undefined, secure: boolean): Promise<Fact> {
  if (storage === undefined || typeof storage.estimate !== 'function') {
    const detail = secure
      ? 'This browser does not report a storage estimate.'
      : 'Browsers report storage estimates only to secure contexts; IndexedDB itself still works.'
    return { status: 'warn', value: 'Unknown', detail, raw: 'unknown' }
  }
  try {
    const { quota, usage } = await storage.estimate()
    const persisted = typeof storage.persisted === 'function' ? await storage.persisted() : false
    return {
      status: 'ok',
      value: quota === undefined ? 'Available' : `${formatBytes(quota)} quota`,
      detail: `${formatBytes(usage ?? 0)} used by this origin. ${persisted
        ? 'Storage is persistent.'
        : 'Best-effort storage: the browser may evict it under pressure.'}`,
      raw: String(quota ?? '')
    }
  } catch (error) {
    return { status: 'warn', value: 'Unknown', detail: describeError(error), raw: 'unknown' }
  }
}

export function threadsFact (cores: number | undefined): Fact {
  const count = cores ?? 1
  return {
    status: 'ok',
    value: `${count} logical ${count === 1 ? 'core' : 'cores'}`,
    detail: 'As reported by this browser for this device.',
    raw: String(count)
  }
}

function describeError (error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
