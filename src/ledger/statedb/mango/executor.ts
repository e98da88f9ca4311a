/**
 * Running a planned query over candidate documents: residual filter, sort, skip, limit,
 * bookmark and `fields` projection. Pure: the ledger reads candidates as the plan says
 * (planner.ts) and hands them in; this module does no I/O.
 *
 * Result order (Weft defines one order per query, whatever index serves it):
 * - with `sort`: by the sort fields (compareJson), then by key; all descending for "desc".
 *   Documents lacking a sort field are left out — CouchDB can only sort through a json index,
 *   which does not hold them. Deviation: CouchDB refuses a sort no index covers ("No index
 *   exists for this sort"); Weft sorts in memory instead.
 * - without `sort`: by key (ledger order; CouchDB returns index order).
 *
 * Counts: `skip` applies once, before the first page; `limit` caps the total over all pages
 * (the bookmark carries how many were returned). Deviation from Fabric, which overwrites
 * `limit` with its internal page size (so chaincode's limit has no effect) and re-applies
 * `skip` on every page; Weft's reading is CouchDB's meaning of the two options and makes
 * "all pages concatenated == the unpaginated result" hold.
 *
 * Only JSON objects can match: values that are not objects (Fabric stores them as CouchDB
 * attachments) are never returned by a rich query.
 */
import { decodeBookmark, encodeBookmark } from './bookmark.js'
import type { BookmarkState } from './bookmark.js'
import { compareJson, compareStrings } from './collation.js'
import { MangoError, MangoErrorCode } from './errors.js'
import { BAD_PATH, NOT_FOUND, getField } from './field-path.js'
import type { JsonValue } from './json.js'
import { isJsonObject } from './json.js'
import { matches } from './match.js'
import type { QueryPlan } from './planner.js'
import { projectFields } from './projection.js'
import type { MangoQuery } from './query.js'
import type { AbortOptions } from '../../../shared/abort.js'

export interface Candidate {
  /** The ledger key (the CouchDB `_id`). */
  readonly key: string
  /** The parsed JSON value stored under the key. */
  readonly doc: unknown
}

export interface QueryResult {
  readonly key: string
  /**
   * The document, projected to `fields` when the query lists them. Shares structure with the
   * candidate's `doc` (no deep copy): serialise it, do not mutate it.
   */
  readonly value: JsonValue
}

export interface QueryPage {
  readonly results: readonly QueryResult[]
  /** Pass back to get the next page; '' when there are no more results. */
  readonly bookmark: string
}

export interface ExecuteOptions extends AbortOptions {
  /** Overrides the query's own `bookmark` (Fabric passes it beside the query). */
  bookmark?: string
  /** Results per page; 0 or absent: no paging (ExecuteQuery). */
  pageSize?: number
}

interface Eligible {
  readonly key: string
  readonly doc: JsonValue
  readonly sortValues: JsonValue[]
}

/** Incremental core shared by the sync and async entry points. */
class QueryRun {
  private readonly results: Eligible[] = []
  private readonly start: BookmarkState | undefined
  private readonly take: number
  private readonly pageLimit: number
  private readonly remainingLimit: number
  private skipLeft: number
  private more = false
  private previous: Eligible | undefined

  constructor (private readonly query: MangoQuery, private readonly plan: QueryPlan, options: ExecuteOptions) {
    const pageSize = options.pageSize ?? 0
    if (!Number.isSafeInteger(pageSize) || pageSize < 0) {
      throw new MangoError(MangoErrorCode.INVALID_PAGE_SIZE, `pageSize must be a non-negative integer, got ${String(pageSize)}`)
    }
    const bookmark = options.bookmark !== undefined && options.bookmark !== '' ? options.bookmark : query.bookmark
    this.start = bookmark === undefined ? undefined : decodeBookmark(query, bookmark)
    this.pageLimit = pageSize === 0 ? Infinity : pageSize
    this.remainingLimit = (query.limit ?? Infinity) - (this.start?.returned ?? 0)
    this.take = Math.max(0, Math.min(this.pageLimit, this.remainingLimit))
    this.skipLeft = this.start === undefined ? query.skip : 0
  }

  /** Feeds one candidate; returns true when no further candidate can change the page. */
  offer (candidate: Candidate): boolean {
    if (this.take === 0) return true
    const { key, doc } = candidate
    if (!isJsonObject(doc) || !matches(this.plan.residual, doc, { id: key })) return false
    const sortValues: JsonValue[] = []
    for (const sort of this.query.sort) {
      const value = getField(doc, sort.path, key)
      if (value === NOT_FOUND || value === BAD_PATH) return false
      sortValues.push(value)
    }
    const item: Eligible = { key, doc, sortValues }
    if (this.start !== undefined && this.compare(item, this.start) <= 0) return false
    if (!this.plan.ordered) {
      this.results.push(item)
      return false
    }
    if (this.previous !== undefined && this.compare(item, this.previous) <= 0) {
      throw new MangoError(MangoErrorCode.CANDIDATES_OUT_OF_ORDER,
        `plan is ordered but candidate "${key}" came after "${this.previous.key}"; read the plan's ranges in order`)
    }
    this.previous = item
    if (this.skipLeft > 0) {
      this.skipLeft--
      return false
    }
    if (this.results.length < this.take) {
      this.results.push(item)
      return false
    }
    this.more = true
    return true
  }

  finish (): QueryPage {
    let page = this.results
    if (!this.plan.ordered) {
      const all = this.results.sort((a, b) => this.compare(a, b))
      const from = this.skipLeft
      page = all.slice(from, from + this.take)
      this.more = all.length > from + this.take
    }
    const last = page[page.length - 1]
    // A next page exists only when this page was cut by pageSize, not by limit.
    const cutByPage = page.length === this.pageLimit && page.length < this.remainingLimit
    const bookmark = this.more && cutByPage && last !== undefined
      ? encodeBookmark(this.query, { key: last.key, sortValues: last.sortValues, returned: (this.start?.returned ?? 0) + page.length })
      : ''
    return Object.freeze({
      results: Object.freeze(page.map(r => Object.freeze({ key: r.key, value: projectFields(r.doc, this.query.fields) }))),
      bookmark
    })
  }

  /** Position in the result order: sort values, then key; reversed for a descending sort. */
  private compare (a: { key: string, sortValues: readonly JsonValue[] }, b: { key: string, sortValues: readonly JsonValue[] }): number {
    let c = 0
    for (let i = 0; i < a.sortValues.length && c === 0; i++) {
      c = compareJson(a.sortValues[i] as JsonValue, b.sortValues[i] as JsonValue)
    }
    if (c === 0) c = compareStrings(a.key, b.key)
    return this.query.sort[0]?.direction === 'desc' ? -c : c
  }
}

/** Runs the query over candidates read as `plan` says. Stops reading early when it can. */
export async function executeQuery (query: MangoQuery, plan: QueryPlan, candidates: AsyncIterable<Candidate> | Iterable<Candidate>, options: ExecuteOptions = {}): Promise<QueryPage> {
  const run = new QueryRun(query, plan, options)
  options.signal?.throwIfAborted()
  for await (const candidate of candidates) {
    // The signal's reason (an AbortError by default) is what the caller asked to see.
    options.signal?.throwIfAborted()
    if (run.offer(candidate)) break
  }
  return run.finish()
}

/** Synchronous twin of executeQuery for in-memory candidates. */
export function executeQuerySync (query: MangoQuery, plan: QueryPlan, candidates: Iterable<Candidate>, options: ExecuteOptions = {}): QueryPage {
  const run = new QueryRun(query, plan, options)
  for (const candidate of candidates) {
    if (run.offer(candidate)) break
  }
  return run.finish()
}

/**
 * Sort, skip, limit, bookmark and fields over documents already known to match (any order).
 */
export function applySortSkipLimitFields (candidates: Iterable<Candidate>, query: MangoQuery, options: ExecuteOptions = {}): QueryPage {
  const plan: QueryPlan = { kind: 'scan', residual: { kind: 'and', args: [] }, ordered: false }
  return executeQuerySync(query, plan, candidates, options)
}
