/**
 * The safe way in and out of bytes: `decode(Block, bytes)` / `encode(Block, value)`.
 *
 * Decoding untrusted bytes never throws anything but a `ProtoError` with a code. Before protons
 * decodes, the input is size-checked and walked against the schema (./wire/validate.ts), which
 * catches what protons' trusting reader would misread. Encoding checks the value's field types
 * first (./wire/check-value.ts), so a bad value fails with the field's path.
 *
 * Decoded `bytes` fields are views into the input (protons reads zero-copy): copy them before
 * mutating the input, and note a small field keeps the whole input buffer alive.
 *
 * @module
 */
import { decodeMessage, encodeMessage } from 'protons-runtime'
import type { Codec, DecodeOptions as ProtonsDecodeOptions } from 'protons-runtime'
import { ProtoError } from './errors.js'
import { codecNames, descriptors } from './generated/descriptors.js'
import { checkValue } from './wire/check-value.js'
import { validateWire } from './wire/validate.js'

/** A protons message namespace, e.g. `Block` or `SignaturePolicy.NOutOf`. */
export interface ProtoMessage<T> {
  codec: () => Codec<T>
}

/**
 * 100 MiB: Fabric's default gRPC message cap (peer and orderer `MaxRecvMsgSize`,
 * internal/pkg/comm/config.go `DefaultMaxRecvMsgSize = 100 * 1024 * 1024`).
 */
export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024
/**
 * Go's protobuf decoder stops at 10,000 levels (`protowire` RecursionLimit). Fabric's only
 * recursive message is SignaturePolicy; real policies nest a handful of levels, and a
 * shallower cap keeps JS stacks safe in every browser.
 */
export const DEFAULT_MAX_DEPTH = 64
/** Per repeated field (or map) of one message instance. Blocks carry hundreds of transactions. */
export const DEFAULT_MAX_REPEATED = 1_000_000

export interface DecodeOptions<T> {
  /** Reject inputs longer than this many bytes. Default DEFAULT_MAX_BYTES. */
  maxBytes?: number
  /** Maximum message nesting. Default DEFAULT_MAX_DEPTH. */
  maxDepth?: number
  /** Maximum elements in any repeated field or map. Default DEFAULT_MAX_REPEATED. */
  maxRepeated?: number
  /** Tighter per-field element limits, in protons' `limits` shape (e.g. `{ data: { data: 500 } }`). */
  limits?: ProtonsDecodeOptions<T>['limits']
  /** Names the input in error messages (e.g. 'block 12 from peer X'). Defaults to the message name. */
  what?: string
}

export interface EncodeOptions {
  /** Maximum message nesting accepted in the value. Default DEFAULT_MAX_DEPTH. */
  maxDepth?: number
}

let names: Map<object, string> | undefined

/** The schema name of a generated message namespace, e.g. 'SignaturePolicy.NOutOf'. */
export function messageName (message: ProtoMessage<unknown>): string {
  names ??= new Map(codecNames())
  const name = names.get(message.codec())
  if (name === undefined) throw new ProtoError('PROTO_MALFORMED', 'not a message generated from src/protos/schema')
  return name
}

/** Decodes `bytes` as `message`, or throws a ProtoError. */
export function decode<T> (message: ProtoMessage<T>, bytes: Uint8Array, options: DecodeOptions<T> = {}): T {
  const name = messageName(message)
  const what = options.what ?? name
  if (!(bytes instanceof Uint8Array)) {
    throw new ProtoError('PROTO_MALFORMED', `${what}: expected a Uint8Array, got ${typeof bytes}`)
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  if (bytes.length > maxBytes) {
    throw new ProtoError('PROTO_OVERSIZE', `${what}: ${bytes.length} bytes exceeds the ${maxBytes}-byte limit`)
  }
  try {
    validateWire(bytes, name, descriptors, {
      maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
      maxRepeated: options.maxRepeated ?? DEFAULT_MAX_REPEATED
    })
    return decodeMessage(bytes, message.codec(), { limits: options.limits })
  } catch (err) {
    throw asProtoError(err, what)
  }
}

/** Encodes `value` as `message`, or throws a ProtoError('PROTO_ENCODE'). */
export function encode<T> (message: ProtoMessage<T>, value: Partial<T>, options: EncodeOptions = {}): Uint8Array<ArrayBuffer> {
  const name = messageName(message)
  checkValue(value, name, descriptors, options.maxDepth ?? DEFAULT_MAX_DEPTH)
  try {
    return encodeMessage(value, message.codec())
  } catch (err) {
    if (err instanceof ProtoError) throw err
    throw new ProtoError('PROTO_ENCODE', `${name}: ${errorMessage(err)}`, { cause: err })
  }
}

/** Maps protons-runtime's plain errors onto ProtoError codes; ProtoErrors pass through. */
function asProtoError (err: unknown, what: string): ProtoError {
  if (err instanceof ProtoError) {
    // The validator's messages already start with the message name.
    return err.message.startsWith(what) ? err : new ProtoError(err.code, `${what}: ${err.message}`, { cause: err })
  }
  const message = `${what}: ${errorMessage(err)}`
  const name = err instanceof Error ? err.name : ''
  if (name === 'MaxLengthError' || name === 'MaxSizeError') return new ProtoError('PROTO_LIMIT', message, { cause: err })
  if (err instanceof RangeError && /index out of range/.test(err.message)) return new ProtoError('PROTO_TRUNCATED', message, { cause: err })
  if (err instanceof RangeError && /call stack/i.test(err.message)) return new ProtoError('PROTO_TOO_DEEP', message, { cause: err })
  if (err instanceof Error && /wire type/.test(err.message)) return new ProtoError('PROTO_WIRE_TYPE', message, { cause: err })
  if (err instanceof Error && /enum/i.test(err.message)) return new ProtoError('PROTO_UNKNOWN_ENUM', message, { cause: err })
  return new ProtoError('PROTO_MALFORMED', message, { cause: err })
}

function errorMessage (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
