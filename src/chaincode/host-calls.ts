/**
 * The host side of the stub: runs one transaction's host calls against its TxSimulator and
 * HistoryQueryExecutor, always in the chaincode's own namespace (the guest never names one).
 * Every request is hostile input (SANDBOX.md pitfall 7): the op, the argument types and the
 * sizes are checked here. Iterators live here, handed out in batches (Fabric's handler.go:
 * QueryResponse{results, has_more, id}); paginated queries return their page and bookmark at once.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js'
import type { KeyModification, PaginatedResultsIterator, QueryResultKV, ResultsIterator } from '../ledger/api.js'
import { HOST_OPS, QUERY_BATCH_SIZE, type HostOp, type WireKV, type WireKeyModification, type WireQueryResponse, type WireResponse } from './protocol.js'
import type { TxContext } from './types.js'

/** Maximum iterators one transaction may hold open (a guard against leaks, not a Fabric limit). */
const MAX_OPEN_ITERATORS = 1000

type Args = Record<string, unknown>

class BadRequest extends Error {}

function str (args: Args, field: string, maxBytes: number, optional = false): string {
  const v = args[field]
  if (v === undefined && optional) return ''
  if (typeof v !== 'string') throw new BadRequest(`${field} must be a string`)
  if (v.length > maxBytes) throw new BadRequest(`${field} is longer than ${maxBytes} characters`)
  return v
}

function bytes (args: Args, field: string, maxBytes: number): Uint8Array {
  const v = args[field]
  if (typeof v !== 'string' || v.length % 2 !== 0 || !/^[0-9a-f]*$/.test(v)) throw new BadRequest(`${field} must be bytes`)
  if (v.length / 2 > maxBytes) throw new BadRequest(`${field} is larger than ${maxBytes} bytes`)
  return hexToBytes(v)
}

function pageSizeOf (args: Args): number | undefined {
  const v = args.pageSize
  if (v === undefined) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0 || v > 1_000_000) throw new BadRequest('pageSize must be a positive integer')
  return v
}

interface OpenIterator<T> {
  it: ResultsIterator<T>
  convert: (v: T) => unknown
}

export class TxHostCalls {
  readonly #ns: string
  readonly #ctx: TxContext
  readonly #maxBytes: number
  readonly #iterators = new Map<string, OpenIterator<unknown>>()
  #nextIteratorId = 1

  constructor (namespace: string, ctx: TxContext, maxValueBytes: number) {
    this.#ns = namespace
    this.#ctx = ctx
    this.#maxBytes = maxValueBytes
  }

  /** Runs a request; resolves with the JSON answer or rejects with an Error whose message goes to the chaincode. */
  async handle (op: string, argsJson: string): Promise<string> {
    if (!(HOST_OPS as readonly string[]).includes(op)) throw new BadRequest(`unknown host call ${JSON.stringify(op).slice(0, 64)}`)
    if (argsJson.length > this.#maxBytes * 2 + 65536) throw new BadRequest('host call arguments too large')
    let args: unknown
    try { args = JSON.parse(argsJson) } catch { throw new BadRequest('host call arguments are not JSON') }
    if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new BadRequest('host call arguments must be an object')
    const result = await this.#run(op as HostOp, args as Args)
    return result === undefined ? '' : JSON.stringify(result)
  }

  async #run (op: HostOp, a: Args): Promise<unknown> {
    const sim = this.#ctx.simulator
    const ns = this.#ns
    const max = this.#maxBytes
    switch (op) {
      case 'getState': {
        const v = await sim.getState(ns, str(a, 'key', max))
        return { value: v === undefined ? '' : bytesToHex(v) }
      }
      case 'putState': sim.setState(ns, str(a, 'key', max), bytes(a, 'value', max)); return undefined
      case 'deleteState': sim.deleteState(ns, str(a, 'key', max)); return undefined
      case 'getStateMetadata': {
        const m = await sim.getStateMetadata(ns, str(a, 'key', max))
        return { entries: Object.fromEntries([...(m ?? new Map<string, Uint8Array>())].map(([k, v]) => [k, bytesToHex(v)])) }
      }
      case 'putStateMetadata': {
        // Fabric's HandlePutStateMetadata writes a one-entry map for the given metakey.
        sim.setStateMetadata(ns, str(a, 'key', max), new Map([[str(a, 'name', 256), bytes(a, 'value', max)]]))
        return undefined
      }
      case 'getStateByRange': {
        let startKey = str(a, 'startKey', max)
        const endKey = str(a, 'endKey', max)
        const pageSize = pageSizeOf(a)
        if (pageSize === undefined) return await this.#open(await sim.getStateRangeScanIterator(ns, startKey, endKey), kvOf)
        const bookmark = str(a, 'bookmark', max, true)
        if (bookmark !== '') startKey = bookmark
        return await this.#page(await sim.getStateRangeScanIteratorWithPagination(ns, startKey, endKey, pageSize), kvOf)
      }
      case 'getQueryResult': {
        const query = str(a, 'query', max)
        const pageSize = pageSizeOf(a)
        if (pageSize === undefined) return await this.#open(await sim.executeQuery(ns, query), kvOf)
        return await this.#page(await sim.executeQueryWithPagination(ns, query, str(a, 'bookmark', max, true), pageSize), kvOf)
      }
      case 'getHistoryForKey': {
        const history = this.#ctx.history
        if (history === undefined) throw new BadRequest('the history database is not available on this peer')
        return await this.#open(await history.getHistoryForKey(ns, str(a, 'key', max)), modificationOf)
      }
      case 'queryNext': return await this.#next(str(a, 'id', 32))
      case 'queryClose': {
        const id = str(a, 'id', 32)
        const open = this.#iterators.get(id)
        this.#iterators.delete(id)
        if (open !== undefined) await open.it.close()
        return undefined
      }
      case 'invokeChaincode': return await this.#invokeChaincode(a)
    }
  }

  async #open<T> (it: ResultsIterator<T>, convert: (v: T) => unknown): Promise<WireQueryResponse<unknown>> {
    if (this.#iterators.size >= MAX_OPEN_ITERATORS) {
      await it.close()
      throw new BadRequest(`more than ${MAX_OPEN_ITERATORS} query iterators open in one transaction`)
    }
    const id = String(this.#nextIteratorId++)
    this.#iterators.set(id, { it, convert } as OpenIterator<unknown>)
    return await this.#next(id)
  }

  /** Fabric's QueryResponseBuilder: up to a batch, `has_more` when the batch is full (no read-ahead, so raw reads match Fabric's). */
  async #next (id: string): Promise<WireQueryResponse<unknown>> {
    const open = this.#iterators.get(id)
    if (open === undefined) throw new BadRequest(`query iterator ${id} is not open`)
    const results: unknown[] = []
    while (results.length < QUERY_BATCH_SIZE) {
      const item = await open.it.next()
      if (item === undefined) break
      results.push(open.convert(item))
    }
    const hasMore = results.length === QUERY_BATCH_SIZE
    if (!hasMore) {
      this.#iterators.delete(id)
      await open.it.close()
    }
    return { id, results, hasMore }
  }

  async #page<T> (it: PaginatedResultsIterator<T>, convert: (v: T) => unknown): Promise<WireQueryResponse<unknown>> {
    const results: unknown[] = []
    for (let item = await it.next(); item !== undefined; item = await it.next()) results.push(convert(item))
    const bookmark = await it.getBookmarkAndClose()
    return { id: '', results, hasMore: false, metadata: { fetchedRecordsCount: results.length, bookmark } }
  }

  async #invokeChaincode (a: Args): Promise<WireResponse> {
    let name = str(a, 'chaincodeName', 256)
    let channel = str(a, 'channel', 256, true)
    // Fabric accepts "name/channel" too.
    const slash = name.indexOf('/')
    if (slash >= 0) { channel = name.slice(slash + 1); name = name.slice(0, slash) }
    if (channel !== '' && channel !== this.#ctx.channelId) throw new BadRequest(`invokeChaincode: calling chaincode on another channel (${channel}) is not supported`)
    if (name === this.#ns) throw new BadRequest('invokeChaincode: a chaincode cannot call itself')
    const call = this.#ctx.invokeChaincode
    if (call === undefined) throw new BadRequest('invokeChaincode is not available in this context')
    const raw = a.args
    if (!Array.isArray(raw) || raw.length > 1024) throw new BadRequest('args must be an array')
    const args = raw.map((_, i) => bytes(raw as unknown as Args, String(i), this.#maxBytes))
    const r = await call(name, args)
    return { status: r.status, message: r.message, payload: bytesToHex(r.payload) }
  }

  /** Closes iterators the chaincode left open (Fabric closes them when the transaction ends). */
  async closeAll (): Promise<void> {
    const open = [...this.#iterators.values()]
    this.#iterators.clear()
    await Promise.allSettled(open.map(async (o) => { await o.it.close() }))
  }
}

function kvOf (kv: QueryResultKV): WireKV {
  return { namespace: kv.namespace, key: kv.key, value: bytesToHex(kv.value) }
}

function modificationOf (m: KeyModification): WireKeyModification {
  return { txId: m.txId, value: bytesToHex(m.value), timestamp: { seconds: m.timestamp.seconds, nanos: m.timestamp.nanos }, isDelete: m.isDelete }
}
