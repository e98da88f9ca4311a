/**
 * Bookmarks for ExecuteQueryWithPagination. Opaque to chaincode; inside, base64url of
 *
 *   {"v":1, "q": fingerprint of selector+sort, "k": last returned key, "s": its sort values, "n": results returned so far}
 *
 * The next page resumes strictly after the position (sort values, key) of the last returned
 * document, so documents written between pages are neither repeated nor skipped unless they
 * land behind that position (as with CouchDB's bookmarks). `n` lets `limit` cap the total over
 * all pages. A bookmark from another query is refused (MANGO_INVALID_BOOKMARK).
 */
import { MangoError, MangoErrorCode } from './errors.js'
import type { JsonValue } from './json.js'
import { isJsonObject } from './json.js'
import type { MangoQuery } from './query.js'

export interface BookmarkState {
  readonly key: string
  readonly sortValues: readonly JsonValue[]
  readonly returned: number
}

/** FNV-1a 32 over the selector and sort as written: cheap, only guards against mix-ups. */
export function queryFingerprint (query: MangoQuery): string {
  const text = JSON.stringify([query.selectorJson, query.sort.map(s => [s.field, s.direction])])
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, '0')
}

export function encodeBookmark (query: MangoQuery, state: BookmarkState): string {
  const json = JSON.stringify({ v: 1, q: queryFingerprint(query), k: state.key, s: state.sortValues, n: state.returned })
  const bytes = new TextEncoder().encode(json)
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

export function decodeBookmark (query: MangoQuery, bookmark: string): BookmarkState {
  const bad = (why: string, cause?: unknown): MangoError =>
    new MangoError(MangoErrorCode.INVALID_BOOKMARK, `bookmark ${JSON.stringify(bookmark.slice(0, 40))} ${why}`, cause === undefined ? undefined : { cause })
  let parsed: unknown
  try {
    if (!/^[A-Za-z0-9_-]*$/.test(bookmark)) throw new Error('not base64url')
    const binary = atob(bookmark.replaceAll('-', '+').replaceAll('_', '/'))
    const bytes = Uint8Array.from(binary, c => c.charCodeAt(0))
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (err) {
    throw bad('is not a Weft bookmark', err)
  }
  if (!isJsonObject(parsed) || parsed.v !== 1 || typeof parsed.k !== 'string' || !Array.isArray(parsed.s) ||
    typeof parsed.n !== 'number' || !Number.isSafeInteger(parsed.n) || parsed.n < 0 || typeof parsed.q !== 'string') {
    throw bad('is not a Weft bookmark')
  }
  if (parsed.q !== queryFingerprint(query) || parsed.s.length !== query.sort.length) {
    throw bad('belongs to a different query (selector or sort changed)')
  }
  return Object.freeze({ key: parsed.k, sortValues: Object.freeze(parsed.s), returned: parsed.n })
}
