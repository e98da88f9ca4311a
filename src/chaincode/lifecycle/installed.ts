/**
 * A peer's installed chaincode packages (Fabric's persistence.Store + the package id rule).
 *
 * @module
 */
import { bytesToHex } from '@noble/hashes/utils.js'
import { sha256 } from '../../crypto/sha256.js'
import { LifecycleError } from './errors.js'

export interface InstalledPackage {
  packageId: string
  label: string
  bytes: Uint8Array
  /** The chaincode source the runtime runs. */
  source: string
  /** CouchDB index definitions (META-INF/statedb/couchdb/indexes/*.json). */
  indexes: readonly string[]
}

/** Fabric's label rule (persistence.LabelRegexp). */
const LABEL = /^[[:alnum:]][[:alnum:]_.+-]*$/.source.replace(/\[:alnum:\]/g, 'A-Za-z0-9')

/** Fabric's package id: `<label>:<hex sha256 of the package bytes>`. */
export function packageIdOf (label: string, bytes: Uint8Array): string {
  return `${label}:${bytesToHex(sha256(bytes))}`
}

export class InstalledChaincodes {
  readonly #packages = new Map<string, InstalledPackage>()

  install (pkg: { label: string, bytes: Uint8Array, source: string, indexes?: readonly string[] }): InstalledPackage {
    if (typeof pkg.label !== 'string' || !new RegExp(LABEL).test(pkg.label)) throw new LifecycleError('LIFECYCLE_BAD_INPUT', `invalid package label ${JSON.stringify(pkg.label)}`)
    if (!(pkg.bytes instanceof Uint8Array) || pkg.bytes.length === 0) throw new LifecycleError('LIFECYCLE_BAD_INPUT', 'package bytes must be a non-empty Uint8Array')
    const packageId = packageIdOf(pkg.label, pkg.bytes)
    if (this.#packages.has(packageId)) throw new LifecycleError('LIFECYCLE_ALREADY_INSTALLED', `chaincode already successfully installed (package ID '${packageId}')`)
    const installed = Object.freeze({ packageId, label: pkg.label, bytes: pkg.bytes, source: pkg.source, indexes: Object.freeze([...(pkg.indexes ?? [])]) })
    this.#packages.set(packageId, installed)
    return installed
  }

  get (packageId: string): InstalledPackage | undefined { return this.#packages.get(packageId) }

  list (): InstalledPackage[] { return [...this.#packages.values()] }
}
