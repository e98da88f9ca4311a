// Loads the NIST vectors in test/vectors/nist-sha256 (sources and licence in that directory).
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'

const DIR = new URL('../vectors/nist-sha256/', import.meta.url)

export interface MessageVector {
  /** Length in bytes. */
  length: number
  message: Uint8Array
  digest: string
}

export interface MonteVectors {
  seed: Uint8Array
  checkpoints: string[]
}

function readText (name: string): string {
  const bytes = readFileSync(new URL(name, DIR))
  return (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')
}

export function hexToBytes (hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}

export function bytesToHex (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** Parses a SHAVS ShortMsg/LongMsg response file (`Len` in bits, `Msg` hex, `MD` hex). */
export function messageVectors (name: 'SHA256ShortMsg.rsp' | 'SHA256LongMsg.rsp.gz'): MessageVector[] {
  const vectors: MessageVector[] = []
  const pattern = /Len = (\d+)\s+Msg = ([0-9a-f]*)\s+MD = ([0-9a-f]{64})/g
  for (const match of readText(name).matchAll(pattern)) {
    const length = Number(match[1]) / 8
    // SHAVS writes the zero-length message as "Msg = 00"; Len is authoritative.
    vectors.push({ length, message: hexToBytes(match[2] ?? '').subarray(0, length), digest: match[3] ?? '' })
  }
  return vectors
}

export function monteVectors (): MonteVectors {
  const text = readText('SHA256Monte.rsp')
  const seed = /Seed = ([0-9a-f]{64})/.exec(text)?.[1]
  if (seed === undefined) throw new Error('SHA256Monte.rsp: no seed')
  const checkpoints = [...text.matchAll(/MD = ([0-9a-f]{64})/g)].map((match) => match[1] ?? '')
  return { seed: hexToBytes(seed), checkpoints }
}

export interface ExampleVector {
  name: string
  message: Uint8Array
  digest: string
}

export function fipsExamples (): ExampleVector[] {
  const json = JSON.parse(readText('fips180-4-examples.json')) as { vectors: Array<{ name: string, ascii: string, repeat: number, digest: string }> }
  return json.vectors.map((v) => ({ name: v.name, message: new TextEncoder().encode(v.ascii.repeat(v.repeat)), digest: v.digest }))
}
