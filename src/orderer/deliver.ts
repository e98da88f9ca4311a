import type { AbortOptions } from '../shared/abort.js'
import type { Clock } from '../shared/clock.js'
import { ChannelHeader, Envelope, HeaderType, Payload, ProtoError, SeekInfo, SignatureHeader, Status, decode, encode } from '../protos/index.js'
import type { Block, DeliverResponse, SeekPosition } from '../protos/index.js'
import type { BlockSigner, NonceSource } from './block-writer.js'
import { webCryptoNonce } from './block-writer.js'
import { clampSeekInfoNumbers } from './seek-clamp.js'
import type { MaybePromise } from './raft/persistence.js'

/**
 * Fabric's Deliver (common/deliver/deliver.go `deliverBlocks`), over any source of committed
 * blocks. A request is a signed Envelope whose payload data is a SeekInfo; the reply is a stream
 * of DeliverResponse{block} ending with one DeliverResponse{status}:
 *  - BAD_REQUEST: not an envelope, no header, no SeekInfo, start or stop missing, stop before start;
 *  - NOT_FOUND: the channel is not this one; a specified start beyond the height; with
 *    FAIL_IF_NOT_READY, a block not written yet;
 *  - FORBIDDEN: the access check (Fabric: the channel Readers policy) refused the signer;
 *  - SERVICE_UNAVAILABLE: the consenter stopped (STRICT; BEST_EFFORT keeps serving what it has,
 *    and ends with SERVICE_UNAVAILABLE only where it would wait for a block that will not come);
 *  - SUCCESS: every block up to stop was sent.
 * With BLOCK_UNTIL_READY a seek waits for blocks not yet written. Fabric's "forever" stop,
 * Specified{MaxUint64}, is read as Number.MAX_SAFE_INTEGER (seek-clamp.ts); Weft clients send that.
 */
export interface DeliverSource {
  readonly channelId: string | undefined
  height(): number
  block(n: number): Promise<Block | undefined>
  /** Resolves true once block `n` is written, false when it never will be (stopped); rejects when the signal aborts. */
  waitFor(n: number, options: AbortOptions): Promise<boolean>
  /** Why the consenter stopped, if it did. */
  failure(): unknown
  /** The channel's Readers check; undefined to allow, or the status to refuse with. */
  authorize?(envelope: Envelope, channelHeader: ChannelHeader): MaybePromise<number | undefined>
}

export interface DeliverRequest {
  readonly envelope: Envelope
  readonly channelHeader: ChannelHeader
  readonly seekInfo: SeekInfo
}

/** Decodes a Deliver envelope; a number is the status to reply with. */
export function parseDeliverEnvelope (raw: Uint8Array): DeliverRequest | number {
  if (!(raw instanceof Uint8Array)) return Status.BAD_REQUEST
  try {
    const envelope = decode(Envelope, raw)
    const payload = decode(Payload, envelope.payload)
    if (payload.header === undefined) return Status.BAD_REQUEST
    const channelHeader = decode(ChannelHeader, payload.header.channelHeader)
    const seekInfo = decodeSeekInfo(payload.data)
    if (seekInfo.start === undefined || seekInfo.stop === undefined) return Status.BAD_REQUEST
    return { envelope, channelHeader, seekInfo }
  } catch {
    return Status.BAD_REQUEST
  }
}

/** SeekInfo, accepting Fabric's SeekSpecified{MaxUint64} "forever" (see seek-clamp.ts). */
function decodeSeekInfo (bytes: Uint8Array): SeekInfo {
  try {
    return decode(SeekInfo, bytes)
  } catch (err) {
    const clamped = err instanceof ProtoError && err.code === 'PROTO_UNSAFE_INTEGER' ? clampSeekInfoNumbers(bytes) : undefined
    if (clamped === undefined) throw err
    return decode(SeekInfo, clamped)
  }
}

/** First and last block numbers of a seek at the current height, as Fabric resolves them; a number is a status. */
export function resolveSeek (seek: SeekInfo, height: number): { start: number, stop: number } | number {
  const { start, stop } = seek
  if (start === undefined || stop === undefined) return Status.BAD_REQUEST
  let first: number
  if (start.oldest !== undefined) first = 0
  else if (start.newest !== undefined) first = Math.max(height - 1, 0)
  else if (start.specified !== undefined) {
    first = start.specified.number
    // Fabric's file ledger iterator: a start past the height is NOT_FOUND at once, whatever the behavior.
    if (first > height) return Status.NOT_FOUND
  } else if (start.nextCommit !== undefined) first = height
  else return Status.BAD_REQUEST

  let last: number
  if (stop.oldest !== undefined || stop.nextCommit !== undefined) last = first
  else if (stop.newest !== undefined) {
    // Fabric: seeking newest..newest does not re-read the height (one block, not several).
    last = samePosition(start, stop) ? first : Math.max(height - 1, 0)
  } else if (stop.specified !== undefined) last = stop.specified.number
  else return Status.BAD_REQUEST
  if (last < first) return Status.BAD_REQUEST
  return { start: first, stop: last }
}

function samePosition (a: SeekPosition, b: SeekPosition): boolean {
  if (a.newest !== undefined) return b.newest !== undefined
  if (a.oldest !== undefined) return b.oldest !== undefined
  if (a.nextCommit !== undefined) return b.nextCommit !== undefined
  return a.specified?.number === b.specified?.number
}

/** Serves one Deliver request. Aborting the signal ends the stream by throwing the signal's reason. */
export async function * deliverBlocks (source: DeliverSource, raw: Uint8Array, options: AbortOptions = {}): AsyncGenerator<DeliverResponse> {
  const request = parseDeliverEnvelope(raw)
  if (typeof request === 'number') {
    yield { status: request }
    return
  }
  const { envelope, channelHeader, seekInfo } = request
  if (source.channelId !== undefined && channelHeader.channelId !== source.channelId) {
    yield { status: Status.NOT_FOUND }
    return
  }
  const refused = await source.authorize?.(envelope, channelHeader)
  if (refused !== undefined) {
    yield { status: refused }
    return
  }
  const range = resolveSeek(seekInfo, source.height())
  if (typeof range === 'number') {
    yield { status: range }
    return
  }
  const strict = seekInfo.errorResponse !== SeekInfo.SeekErrorResponse.BEST_EFFORT
  const failFast = seekInfo.behavior === SeekInfo.SeekBehavior.FAIL_IF_NOT_READY
  for (let n = range.start; n <= range.stop; n++) {
    if (strict && source.failure() !== undefined) {
      yield { status: Status.SERVICE_UNAVAILABLE }
      return
    }
    if (n >= source.height()) {
      if (failFast) {
        yield { status: Status.NOT_FOUND }
        return
      }
      if (!await source.waitFor(n, options)) {
        yield { status: Status.SERVICE_UNAVAILABLE }
        return
      }
    }
    const block = await source.block(n)
    if (block === undefined) { // below the base of a ledger bootstrapped from a snapshot
      yield { status: Status.NOT_FOUND }
      return
    }
    if (seekInfo.contentType === SeekInfo.SeekContentType.HEADER_WITH_SIG) delete block.data
    yield { block }
  }
  yield { status: Status.SUCCESS }
}

/** Fabric's "forever" is Specified{MaxUint64}; Weft's numbers stop at 2^53 - 1. */
export const SEEK_FOREVER: SeekPosition = Object.freeze({ specified: { number: Number.MAX_SAFE_INTEGER } })
export const SEEK_OLDEST: SeekPosition = Object.freeze({ oldest: {} })
export const SEEK_NEWEST: SeekPosition = Object.freeze({ newest: {} })
export const SEEK_NEXT_COMMIT: SeekPosition = Object.freeze({ nextCommit: {} })

export function seekSpecified (number: number): SeekPosition {
  return { specified: { number } }
}

/** A SeekInfo with Fabric's defaults (BLOCK_UNTIL_READY, STRICT, BLOCK). */
export function seekInfo (start: SeekPosition, stop: SeekPosition, options: Partial<Omit<SeekInfo, 'start' | 'stop'>> = {}): SeekInfo {
  return {
    start,
    stop,
    behavior: options.behavior ?? SeekInfo.SeekBehavior.BLOCK_UNTIL_READY,
    errorResponse: options.errorResponse ?? SeekInfo.SeekErrorResponse.STRICT,
    contentType: options.contentType ?? SeekInfo.SeekContentType.BLOCK
  }
}

export interface SeekEnvelopeInit {
  readonly channelId: string
  readonly seekInfo: SeekInfo
  /** The client's signing identity; without it the envelope is unsigned (open Deliver only). */
  readonly signer?: BlockSigner
  readonly clock?: Clock
  readonly nonce?: NonceSource
}

/**
 * A Deliver request as Fabric's protoutil.CreateSignedEnvelope(DELIVER_SEEK_INFO, ...) builds it:
 * channel header with a timestamp, signature header with creator and a fresh nonce, the
 * SeekInfo as payload data, and the creator's signature over the payload bytes.
 */
export async function newSeekEnvelope (init: SeekEnvelopeInit): Promise<Uint8Array> {
  const ms = (init.clock ?? { now: () => Date.now() }).now()
  const channelHeader = encode(ChannelHeader, {
    type: HeaderType.DELIVER_SEEK_INFO,
    channelId: init.channelId,
    timestamp: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 }
  })
  const signer = init.signer
  const signatureHeader = signer === undefined
    ? new Uint8Array(0)
    : encode(SignatureHeader, { creator: signer.serialize(), nonce: (init.nonce ?? webCryptoNonce)() })
  const payload = encode(Payload, { header: { channelHeader, signatureHeader }, data: encode(SeekInfo, init.seekInfo) })
  const signature = signer === undefined ? new Uint8Array(0) : await signer.sign(payload)
  return encode(Envelope, { payload, signature })
}
