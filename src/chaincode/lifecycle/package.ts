/**
 * Install packages: Fabric's tar.gz (metadata.json + code.tar.gz, as `weft chaincode package`
 * makes them) or Weft's single-file form, UTF-8 JSON
 * `{ "type": "weft", "label", "source", "indexes": [json...] }` (what `deployChaincode` builds from
 * bundle text). The package id keeps Fabric's rule, `<label>:<sha256 of the package bytes>`.
 *
 * @module
 */
import { readChaincodePackage } from '../package/read-package.js'
import { LifecycleError } from './errors.js'

export interface WeftPackage {
  label: string
  source: string
  indexes: string[]
}

export function encodeWeftPackage (pkg: { label: string, source: string, indexes?: readonly string[] }): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ type: 'weft', label: pkg.label, source: pkg.source, indexes: [...(pkg.indexes ?? [])] }))
}

export function decodeWeftPackage (bytes: Uint8Array): WeftPackage {
  let o: unknown
  try {
    o = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (err) {
    throw new LifecycleError('LIFECYCLE_BAD_INPUT', 'not a Weft chaincode package', { cause: err })
  }
  const p = o as Partial<WeftPackage> & { type?: unknown }
  if (p === null || typeof p !== 'object' || p.type !== 'weft' || typeof p.label !== 'string' || typeof p.source !== 'string' ||
    !Array.isArray(p.indexes) || !p.indexes.every((i) => typeof i === 'string')) {
    throw new LifecycleError('LIFECYCLE_BAD_INPUT', 'not a Weft chaincode package')
  }
  return { label: p.label, source: p.source, indexes: p.indexes }
}

/** Opens either package form (gzip magic 1f 8b: Fabric's tar.gz). */
export async function openPackage (bytes: Uint8Array): Promise<WeftPackage> {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      const pkg = await readChaincodePackage(bytes)
      return { label: pkg.label, source: pkg.source, indexes: pkg.indexes.map((i) => i.definition) }
    } catch (err) {
      throw new LifecycleError('LIFECYCLE_BAD_INPUT', `not a chaincode package: ${(err as Error).message}`, { cause: err })
    }
  }
  return decodeWeftPackage(bytes)
}
