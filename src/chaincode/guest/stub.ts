/**
 * Weft's ChaincodeStub: the whole `ChaincodeStub` of fabric-shim-api (tsc checks `implements`),
 * with fabric-shim's semantics (lib/stub.js): Buffers for every byte value, an empty Buffer for a
 * missing key, `\x01` for an empty range start, composite keys in the `\x00` namespace, the last
 * `setEvent` wins. State calls go to the host, which scopes them to this chaincode's namespace.
 */
import { Buffer } from 'buffer'
import Long from 'long'
import type { ChaincodeProposal, ChaincodeResponse, ChaincodeStub, Iterators, SerializedIdentity, SplitCompositekey, StateQueryResponse, Timestamp } from 'fabric-shim-api'
import { hostCall } from './bridge.js'
import { fromHex, toHex } from './bytes.js'
import { HistoryQueryIterator, StateQueryIterator, asyncIterable } from './iterators.js'
import type { WireKV, WireKeyModification, WireQueryResponse, WireResponse, WireSerializedIdentity, WireTxInfo } from '../protocol.js'

const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER'
const MIN_UNICODE_RUNE_VALUE = '\u0000'
const MAX_UNICODE_RUNE_VALUE = '\u{10ffff}'
const COMPOSITEKEY_NS = '\x00'
const EMPTY_KEY_SUBSTITUTE = '\x01'

function validateCompositeKeyAttribute (attr: unknown): asserts attr is string {
  if (typeof attr !== 'string' || attr.length === 0) throw new Error('object type or attribute not a non-zero length string')
}

function validateSimpleKeys (...keys: unknown[]): void {
  for (const key of keys) {
    if (typeof key === 'string' && key.charAt(0) === COMPOSITEKEY_NS) {
      throw new Error(`first character of the key [${key}] contains a null character which is not allowed`)
    }
  }
}

function checkKey (key: unknown): string {
  if (typeof key !== 'string' || key === '') throw new Error('key must be a non-empty string')
  return key
}

function identityOf (w: WireSerializedIdentity): SerializedIdentity {
  return { mspid: w.mspid, idBytes: fromHex(w.idBytes) }
}

function checkPageSize (pageSize: unknown): number {
  if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize <= 0) throw new Error('pageSize must be a positive integer')
  return pageSize
}

export interface StubEvent { name: string, payload: Buffer }

export class Stub implements ChaincodeStub {
  readonly #info: WireTxInfo
  readonly #bufferArgs: Buffer[]
  readonly #args: string[]
  readonly #transient: Map<string, Buffer>
  #event: StubEvent | undefined

  constructor (info: WireTxInfo) {
    this.#info = info
    this.#bufferArgs = info.args.map(fromHex)
    this.#args = this.#bufferArgs.map((b) => b.toString())
    this.#transient = new Map(info.transient.map(([k, v]) => [k, fromHex(v)]))
  }

  /** The event set by the transaction, if any (Fabric keeps only the last one). */
  get event (): StubEvent | undefined { return this.#event }

  getArgs (): string[] { return [...this.#args] }
  getStringArgs (): string[] { return [...this.#args] }
  getBufferArgs (): Buffer[] { return this.#bufferArgs.map((b) => Buffer.from(b)) }
  getFunctionAndParameters (): { params: string[], fcn: string } {
    const values = this.getStringArgs()
    return values.length >= 1 ? { fcn: values[0] as string, params: values.slice(1) } : { fcn: '', params: [] }
  }

  getTxID (): string { return this.#info.txId }
  getChannelID (): string { return this.#info.channelId }
  getCreator (): SerializedIdentity { return identityOf(this.#info.creator) }
  getMspID (): string { return this.#info.localMspId }
  getTransient (): Map<string, Buffer> { return new Map([...this.#transient].map(([k, v]) => [k, Buffer.from(v)])) }

  getSignedProposal (): ChaincodeProposal.SignedProposal {
    const sp = this.#info.signedProposal
    if (sp === undefined) throw new Error('no signed proposal is available for this transaction')
    const ch = sp.proposal.header.channelHeader
    return {
      signature: fromHex(sp.signature),
      proposal: {
        header: {
          channelHeader: {
            type: ch.type,
            version: ch.version,
            timestamp: { seconds: Long.fromNumber(ch.timestamp.seconds, true), nanos: ch.timestamp.nanos },
            channelId: ch.channelId,
            txId: ch.txId,
            epoch: ch.epoch,
            extension: fromHex(ch.extension),
            tlsCertHash: fromHex(ch.tlsCertHash)
          },
          signatureHeader: { creator: identityOf(sp.proposal.header.signatureHeader.creator), nonce: fromHex(sp.proposal.header.signatureHeader.nonce) }
        },
        payload: { input: fromHex(sp.proposal.payload.input), transientMap: new Map(sp.proposal.payload.transientMap.map(([k, v]) => [k, fromHex(v)])) }
      }
    }
  }

  getTxTimestamp (): Timestamp {
    return { seconds: Long.fromNumber(this.#info.timestamp.seconds, true), nanos: this.#info.timestamp.nanos }
  }

  getDateTimestamp (): Date {
    const { seconds, nanos } = this.#info.timestamp
    return new Date(seconds * 1000 + Math.floor(nanos / 1e6))
  }

  getBinding (): string { return this.#info.binding }

  async getState (key: string): Promise<Buffer> {
    const r = await hostCall<{ value: string }>(this.#info.txId, 'getState', { key: checkKey(key) })
    return fromHex(r.value)
  }

  async putState (key: string, value: Uint8Array | string): Promise<void> {
    await hostCall<void>(this.#info.txId, 'putState', { key: checkKey(key), value: toHex(value, 'value') })
  }

  async deleteState (key: string): Promise<void> {
    await hostCall<void>(this.#info.txId, 'deleteState', { key: checkKey(key) })
  }

  async setStateValidationParameter (key: string, ep: Uint8Array): Promise<void> {
    await hostCall<void>(this.#info.txId, 'putStateMetadata', { key: checkKey(key), name: VALIDATION_PARAMETER, value: toHex(ep, 'ep') })
  }

  async getStateValidationParameter (key: string): Promise<Buffer> {
    const r = await hostCall<{ entries: Record<string, string> }>(this.#info.txId, 'getStateMetadata', { key: checkKey(key) })
    const v = r.entries[VALIDATION_PARAMETER]
    return v === undefined ? Buffer.alloc(0) : fromHex(v)
  }

  #range (startKey: string, endKey: string, page?: { pageSize: number, bookmark: string }): Promise<WireQueryResponse<WireKV>> {
    return hostCall<WireQueryResponse<WireKV>>(this.#info.txId, 'getStateByRange', { startKey, endKey, ...page })
  }

  #stateIterator (p: Promise<WireQueryResponse<WireKV>>): Promise<StateQueryIterator> & AsyncIterable<Iterators.KV> {
    const txId = this.#info.txId
    return asyncIterable(p.then((r) => new StateQueryIterator(txId, r)), (it) => it)
  }

  #statePage (p: Promise<WireQueryResponse<WireKV>>): Promise<StateQueryResponse<StateQueryIterator>> & AsyncIterable<Iterators.KV> {
    const txId = this.#info.txId
    const response = p.then((r) => ({
      iterator: new StateQueryIterator(txId, r),
      metadata: { fetchedRecordsCount: r.metadata?.fetchedRecordsCount ?? r.results.length, bookmark: r.metadata?.bookmark ?? '' }
    }))
    return asyncIterable(response, (r) => r.iterator)
  }

  getStateByRange (startKey: string, endKey: string): Promise<StateQueryIterator> & AsyncIterable<Iterators.KV> {
    const start = startKey === '' || startKey === undefined || startKey === null ? EMPTY_KEY_SUBSTITUTE : startKey
    return this.#stateIterator(Promise.resolve().then(() => {
      validateSimpleKeys(start, endKey)
      return this.#range(start, endKey ?? '')
    }))
  }

  getStateByRangeWithPagination (startKey: string, endKey: string, pageSize: number, bookmark?: string): Promise<StateQueryResponse<StateQueryIterator>> & AsyncIterable<Iterators.KV> {
    const start = startKey === '' || startKey === undefined || startKey === null ? EMPTY_KEY_SUBSTITUTE : startKey
    return this.#statePage(Promise.resolve().then(() => {
      validateSimpleKeys(start, endKey)
      return this.#range(start, endKey ?? '', { pageSize: checkPageSize(pageSize), bookmark: bookmark ?? '' })
    }))
  }

  getStateByPartialCompositeKey (objectType: string, attributes: string[]): Promise<StateQueryIterator> & AsyncIterable<Iterators.KV> {
    return this.#stateIterator(Promise.resolve().then(() => {
      const partial = this.createCompositeKey(objectType, attributes)
      return this.#range(partial, partial + MAX_UNICODE_RUNE_VALUE)
    }))
  }

  getStateByPartialCompositeKeyWithPagination (objectType: string, attributes: string[], pageSize: number, bookmark?: string): Promise<StateQueryResponse<StateQueryIterator>> & AsyncIterable<Iterators.KV> {
    return this.#statePage(Promise.resolve().then(() => {
      const partial = this.createCompositeKey(objectType, attributes)
      return this.#range(partial, partial + MAX_UNICODE_RUNE_VALUE, { pageSize: checkPageSize(pageSize), bookmark: bookmark ?? '' })
    }))
  }

  getQueryResult (query: string): Promise<StateQueryIterator> & AsyncIterable<Iterators.KV> {
    return this.#stateIterator(Promise.resolve().then(() => {
      if (typeof query !== 'string') throw new Error('query must be a string')
      return hostCall<WireQueryResponse<WireKV>>(this.#info.txId, 'getQueryResult', { query })
    }))
  }

  getQueryResultWithPagination (query: string, pageSize: number, bookmark?: string): Promise<StateQueryResponse<StateQueryIterator>> & AsyncIterable<Iterators.KV> {
    return this.#statePage(Promise.resolve().then(() => {
      if (typeof query !== 'string') throw new Error('query must be a string')
      return hostCall<WireQueryResponse<WireKV>>(this.#info.txId, 'getQueryResult', { query, pageSize: checkPageSize(pageSize), bookmark: bookmark ?? '' })
    }))
  }

  /** Timestamps carry plain-number seconds, as fabric-shim's `toObject()` gives (its typings say Long). */
  getHistoryForKey (key: string): Promise<Iterators.HistoryQueryIterator> & AsyncIterable<Iterators.KeyModification> {
    const txId = this.#info.txId
    const p = Promise.resolve().then(async () => {
      const r = await hostCall<WireQueryResponse<WireKeyModification>>(txId, 'getHistoryForKey', { key: checkKey(key) })
      return new HistoryQueryIterator(txId, r)
    })
    return asyncIterable(p, (it) => it) as unknown as Promise<Iterators.HistoryQueryIterator> & AsyncIterable<Iterators.KeyModification>
  }

  async invokeChaincode (chaincodeName: string, args: string[], channel: string): Promise<ChaincodeResponse> {
    if (typeof chaincodeName !== 'string' || chaincodeName === '') throw new Error('chaincodeName must be a non-empty string')
    if (!Array.isArray(args)) throw new Error('args must be an array')
    const r = await hostCall<WireResponse>(this.#info.txId, 'invokeChaincode', {
      chaincodeName, channel: channel ?? '', args: args.map((a, i) => toHex(a, `args[${i}]`))
    })
    return { status: r.status, message: r.message, payload: fromHex(r.payload) }
  }

  setEvent (name: string, payload: Uint8Array): void {
    if (typeof name !== 'string' || name === '') throw new Error('Event name must be a non-empty string')
    const bytes = payload === undefined || payload === null ? Buffer.alloc(0) : fromHex(toHex(payload, 'payload'))
    this.#event = { name, payload: bytes }
  }

  createCompositeKey (objectType: string, attributes: string[]): string {
    validateCompositeKeyAttribute(objectType)
    if (!Array.isArray(attributes)) throw new Error('attributes must be an array')
    let compositeKey = COMPOSITEKEY_NS + objectType + MIN_UNICODE_RUNE_VALUE
    for (const attribute of attributes) {
      validateCompositeKeyAttribute(attribute)
      compositeKey = compositeKey + attribute + MIN_UNICODE_RUNE_VALUE
    }
    return compositeKey
  }

  splitCompositeKey (compositeKey: string): SplitCompositekey {
    const result: { objectType: string, attributes: string[] } = { objectType: null as unknown as string, attributes: [] }
    if (typeof compositeKey === 'string' && compositeKey.length > 1 && compositeKey.charAt(0) === COMPOSITEKEY_NS) {
      const splitKey = compositeKey.substring(1).split(MIN_UNICODE_RUNE_VALUE)
      result.objectType = splitKey[0] as string
      splitKey.pop()
      if (splitKey.length > 1) {
        splitKey.shift()
        result.attributes = splitKey
      }
    }
    return result
  }

  // Private data: Weft has no collections yet, so every call fails as Fabric does for an undefined collection.
  #noCollection (collection: unknown): never {
    if (typeof collection !== 'string' || collection === '') throw new Error('collection must be a valid string')
    throw new Error(`private data is not supported yet: no collection "${collection}" is defined for chaincode ${this.#info.chaincodeName}`)
  }

  async getPrivateData (collection: string, _key: string): Promise<Buffer> { return this.#noCollection(collection) }
  async getPrivateDataHash (collection: string, _key: string): Promise<Buffer> { return this.#noCollection(collection) }
  async putPrivateData (collection: string, _key: string, _value: Uint8Array): Promise<void> { this.#noCollection(collection) }
  async deletePrivateData (collection: string, _key: string): Promise<void> { this.#noCollection(collection) }
  async purgePrivateData (collection: string, _key: string): Promise<void> { this.#noCollection(collection) }
  async setPrivateDataValidationParameter (collection: string, _key: string, _ep: Uint8Array): Promise<void> { this.#noCollection(collection) }
  async getPrivateDataValidationParameter (collection: string, _key: string): Promise<Buffer> { return this.#noCollection(collection) }
  getPrivateDataByRange (collection: string, _startKey: string, _endKey: string): Promise<StateQueryIterator> & AsyncIterable<Iterators.KV> {
    return this.#stateIterator(Promise.resolve().then(() => this.#noCollection(collection)))
  }

  getPrivateDataByPartialCompositeKey (collection: string, _objectType: string, _attributes: string[]): Promise<StateQueryIterator> & AsyncIterable<Iterators.KV> {
    return this.#stateIterator(Promise.resolve().then(() => this.#noCollection(collection)))
  }

  getPrivateDataQueryResult (collection: string, _query: string): Promise<StateQueryIterator> & AsyncIterable<Iterators.KV> {
    return this.#stateIterator(Promise.resolve().then(() => this.#noCollection(collection)))
  }
}
