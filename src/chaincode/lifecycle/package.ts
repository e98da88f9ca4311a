/**
 * Weft's install package until the `weft chaincode package` tar.gz reader lands in
 * src/chaincode: UTF-8 JSON `{ "type": "weft", "label", "source", "indexes": [json...] }`.
 * The package id keeps Fabric's rule, `<label>:<sha256 of the package bytes>`.
 *
 * @module
 */
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
