import { WeftError } from '../../../shared/errors.js'

/**
 * Codes of the Mango query engine. Every message names the bad part of the query
 * (field path and operator) so a chaincode author can fix it without guessing.
 */
export const MangoErrorCode = Object.freeze({
  /** The query text is not JSON, not an object, or has an unknown top-level key. */
  INVALID_QUERY: 'MANGO_INVALID_QUERY',
  /** `selector` is missing or malformed (bad field name, nesting too deep, ...). */
  INVALID_SELECTOR: 'MANGO_INVALID_SELECTOR',
  /** An operator is unknown or got an argument of the wrong shape. */
  INVALID_OPERATOR: 'MANGO_INVALID_OPERATOR',
  /** A known CouchDB operator that Weft (like Fabric's CouchDB) does not run: `$where`, `$text`, geo. */
  UNSUPPORTED_OPERATOR: 'MANGO_UNSUPPORTED_OPERATOR',
  /** `$regex` that does not compile or is refused as a ReDoS risk. */
  INVALID_REGEX: 'MANGO_INVALID_REGEX',
  INVALID_SORT: 'MANGO_INVALID_SORT',
  INVALID_FIELDS: 'MANGO_INVALID_FIELDS',
  INVALID_LIMIT: 'MANGO_INVALID_LIMIT',
  INVALID_SKIP: 'MANGO_INVALID_SKIP',
  INVALID_USE_INDEX: 'MANGO_INVALID_USE_INDEX',
  INVALID_BOOKMARK: 'MANGO_INVALID_BOOKMARK',
  INVALID_PAGE_SIZE: 'MANGO_INVALID_PAGE_SIZE',
  /** A chaincode-package index definition (`META-INF/statedb/couchdb/indexes/*.json`) is invalid. */
  INVALID_INDEX: 'MANGO_INVALID_INDEX',
  /** `use_index` names an index that cannot serve the query and `allow_fallback` is false. */
  NO_USABLE_INDEX: 'MANGO_NO_USABLE_INDEX',
  /** The caller broke the plan's contract: an ordered plan's candidates came out of order. */
  CANDIDATES_OUT_OF_ORDER: 'MANGO_CANDIDATES_OUT_OF_ORDER'
} as const)

export type MangoErrorCode = typeof MangoErrorCode[keyof typeof MangoErrorCode]

export class MangoError extends WeftError {
  static override readonly name: string = 'MangoError'
  declare readonly code: MangoErrorCode

  constructor (code: MangoErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
