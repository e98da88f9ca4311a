/**
 * The small part of POSIX ustar that Fabric chaincode packages use: regular files and
 * directories, names up to 255 bytes (prefix + name), sizes below 8 GiB. Pure, so the
 * browser can open packages; gzip is done by the caller (CompressionStream / node:zlib).
 */
import { ChaincodeError } from '../errors.js'

export interface TarEntry { name: string, data: Uint8Array }

const BLOCK = 512
const enc = new TextEncoder()
const dec = new TextDecoder()

function writeString (h: Uint8Array, at: number, len: number, s: string): void {
  const b = enc.encode(s)
  if (b.length > len) throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', `tar field too long: ${s}`)
  h.set(b, at)
}

function writeOctal (h: Uint8Array, at: number, len: number, n: number): void {
  writeString(h, at, len, n.toString(8).padStart(len - 1, '0'))
}

function splitName (name: string): { prefix: string, base: string } {
  if (enc.encode(name).length <= 100) return { prefix: '', base: name }
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i)
    const base = name.slice(i + 1)
    if (enc.encode(prefix).length <= 155 && enc.encode(base).length <= 100) return { prefix, base }
  }
  throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', `file name too long for ustar: ${name}`)
}

/** Files in the given order; mtime 0 and fixed owner so the same input gives the same bytes. */
export function writeTar (entries: readonly TarEntry[]): Uint8Array {
  const chunks: Uint8Array[] = []
  for (const e of entries) {
    const h = new Uint8Array(BLOCK)
    const { prefix, base } = splitName(e.name)
    writeString(h, 0, 100, base)
    writeOctal(h, 100, 8, 0o644)
    writeOctal(h, 108, 8, 0)
    writeOctal(h, 116, 8, 0)
    writeOctal(h, 124, 12, e.data.length)
    writeOctal(h, 136, 12, 0)
    h.fill(0x20, 148, 156)
    h[156] = 0x30 // '0' regular file
    writeString(h, 257, 6, 'ustar')
    writeString(h, 263, 2, '00')
    writeString(h, 345, 155, prefix)
    let sum = 0
    for (const b of h) sum += b
    writeString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ')
    chunks.push(h, e.data)
    const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK
    if (pad > 0) chunks.push(new Uint8Array(pad))
  }
  chunks.push(new Uint8Array(BLOCK * 2))
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) { out.set(c, at); at += c.length }
  return out
}

function readString (h: Uint8Array, at: number, len: number): string {
  const end = h.subarray(at, at + len).indexOf(0)
  return dec.decode(h.subarray(at, end < 0 ? at + len : at + end))
}

function readOctal (h: Uint8Array, at: number, len: number, field: string): number {
  const s = readString(h, at, len).trim()
  if (!/^[0-7]*$/.test(s)) throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', `tar header: bad ${field}`)
  return s === '' ? 0 : parseInt(s, 8)
}

/** Regular files of a tar archive (directories and other types skipped). */
export function readTar (bytes: Uint8Array, maxTotalBytes = 64 * 1024 * 1024): TarEntry[] {
  const out: TarEntry[] = []
  let total = 0
  for (let at = 0; at + BLOCK <= bytes.length;) {
    const h = bytes.subarray(at, at + BLOCK)
    if (h.every((b) => b === 0)) break
    let sum = 0
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i] as number
    if (sum !== readOctal(h, 148, 8, 'checksum')) throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', 'tar header checksum mismatch')
    const size = readOctal(h, 124, 12, 'size')
    const type = String.fromCharCode(h[156] as number)
    const prefix = readString(h, 345, 155)
    const base = readString(h, 0, 100)
    const name = prefix === '' ? base : `${prefix}/${base}`
    const start = at + BLOCK
    if (start + size > bytes.length) throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', `tar entry ${name} is truncated`)
    total += size
    if (total > maxTotalBytes) throw new ChaincodeError('CHAINCODE_PACKAGE_INVALID', 'chaincode package too large')
    if (type === '0' || type === '\0') out.push({ name, data: bytes.slice(start, start + size) })
    at = start + Math.ceil(size / BLOCK) * BLOCK
  }
  return out
}
