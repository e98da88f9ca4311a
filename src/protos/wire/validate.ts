/**
 * Schema-aware walk over protobuf wire bytes, run before protons decodes untrusted input.
 *
 * protons (like protobuf.js, whose reader it uses) trusts its input: it does not check wire
 * types against the schema, reads past a non-minimal uint64 varint by the wrong width,
 * accepts invalid UTF-8, overwrites (instead of merging) a repeated singular message and
 * resolves two oneof members by declaration order instead of wire order. Each of those is
 * a parser differential with Fabric's Go decoder, which matters for signed bytes, so this
 * walk rejects them with a typed `ProtoError`. It allocates nothing per scalar field.
 *
 * Deviations from Go's decoder (all stricter; Fabric's own encoders never produce them):
 * a known field with the wrong wire type is rejected (Go keeps it as an unknown field);
 * group wire types are rejected; unknown enum numbers are rejected (protons cannot hold
 * them); a repeated singular message field and several members of one oneof are rejected
 * (Go merges / takes the last); non-minimal varints in JS_NUMBER fields are rejected; unknown
 * fields inside a map entry are rejected (Go skips them, google-protobuf JS loses the key).
 *
 * @module
 */
import { ProtoError } from '../errors.js'
import type { FieldDescriptor, MessageDescriptor } from './descriptor.js'

export interface WireLimits {
  /** Maximum nesting of length-delimited messages below the top level. */
  readonly maxDepth: number
  /** Maximum elements in any one repeated field or map of one message instance. */
  readonly maxRepeated: number
}

const WIRE_VARINT = 0
const WIRE_I64 = 1
const WIRE_LEN = 2
const WIRE_I32 = 5
const MAX_FIELD_NUMBER = 2 ** 29 - 1
const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1
const UINT32_MAX = 2 ** 32 - 1

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Throws a ProtoError unless `bytes` is a well-formed encoding of message `root`. */
export function validateWire (
  bytes: Uint8Array,
  root: string,
  descriptors: Readonly<Record<string, MessageDescriptor>>,
  limits: WireLimits
): void {
  const walker = new Walker(bytes, descriptors, limits)
  walker.message(lookup(descriptors, root), 0, bytes.length, 0)
}

/** ASCII is valid UTF-8; checking for it first spares the decoder on keys and ids. */
function isAscii (buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    if ((buf[i] as number) >= 0x80) return false
  }
  return true
}

function lookup (descriptors: Readonly<Record<string, MessageDescriptor>>, name: string): MessageDescriptor {
  const d = descriptors[name]
  if (d === undefined) throw new ProtoError('PROTO_MALFORMED', `no descriptor for message ${name}`)
  return d
}

class Walker {
  private pos = 0

  constructor (
    private readonly buf: Uint8Array,
    private readonly descriptors: Readonly<Record<string, MessageDescriptor>>,
    private readonly limits: WireLimits
  ) {}

  /** `closed`: a map entry, where only key (1) and value (2) may appear. */
  message (desc: MessageDescriptor, start: number, end: number, depth: number, closed = false): void {
    if (depth > this.limits.maxDepth) {
      throw new ProtoError('PROTO_TOO_DEEP', `${desc.name} nested deeper than ${this.limits.maxDepth} at offset ${start}`)
    }
    this.pos = start
    // Per-instance bookkeeping. Singular message fields are tracked in a bit mask (Fabric's
    // field numbers are small), so the common nested message allocates nothing.
    let singularSeen = 0
    let singularSeenHigh: Set<number> | undefined
    let repeatedCounts: Map<number, number> | undefined
    let oneofSeen: Map<string, number> | undefined
    while (this.pos < end) {
      const tagAt = this.pos
      const tag = this.varint(end)
      const fieldNumber = Math.floor(tag / 8)
      const wireType = tag % 8
      if (fieldNumber === 0 || fieldNumber > MAX_FIELD_NUMBER) {
        throw new ProtoError('PROTO_MALFORMED', `${desc.name}: invalid field number ${fieldNumber} at offset ${tagAt}`)
      }
      const field = desc.fields[fieldNumber]
      if (field === undefined) {
        if (closed) {
          throw new ProtoError('PROTO_MALFORMED', `${desc.name}: unknown field ${fieldNumber} in a map entry`)
        }
        this.skip(wireType, end, desc, fieldNumber)
        continue
      }
      if (field.repeated) {
        repeatedCounts ??= new Map()
        const count = (repeatedCounts.get(fieldNumber) ?? 0) + 1
        repeatedCounts.set(fieldNumber, count)
        if (count > this.limits.maxRepeated) {
          throw new ProtoError('PROTO_LIMIT', `${desc.name}.${field.name} has more than ${this.limits.maxRepeated} elements`)
        }
      } else if (field.kind === 'message') {
        let repeatedSingular: boolean
        if (fieldNumber < 31) {
          repeatedSingular = (singularSeen & (1 << fieldNumber)) !== 0
          singularSeen |= 1 << fieldNumber
        } else {
          singularSeenHigh ??= new Set()
          repeatedSingular = singularSeenHigh.has(fieldNumber)
          singularSeenHigh.add(fieldNumber)
        }
        if (repeatedSingular) {
          throw new ProtoError('PROTO_MALFORMED', `${desc.name}.${field.name} appears more than once`)
        }
      }
      if (field.oneof !== undefined) {
        oneofSeen ??= new Map()
        const other = oneofSeen.get(field.oneof)
        if (other !== undefined && other !== fieldNumber) {
          throw new ProtoError('PROTO_MALFORMED', `${desc.name}: more than one member of oneof ${field.oneof} is set`)
        }
        oneofSeen.set(field.oneof, fieldNumber)
      }
      this.value(desc, field, wireType, end, depth)
    }
    if (this.pos !== end) {
      throw new ProtoError('PROTO_TRUNCATED', `${desc.name}: field overruns its enclosing message at offset ${this.pos}`)
    }
  }

  private value (desc: MessageDescriptor, field: FieldDescriptor, wireType: number, end: number, depth: number): void {
    const expected = field.kind === 'string' || field.kind === 'bytes' || field.kind === 'message' ? WIRE_LEN : WIRE_VARINT
    if (wireType !== expected) {
      throw new ProtoError('PROTO_WIRE_TYPE', `${desc.name}.${field.name}: wire type ${wireType}, expected ${expected}`)
    }
    if (expected === WIRE_VARINT) {
      this.scalar(desc, field, end)
      return
    }
    const length = this.varint(end)
    const start = this.pos
    if (length > end - start) {
      throw new ProtoError('PROTO_TRUNCATED', `${desc.name}.${field.name}: length ${length} exceeds the ${end - start} bytes left`)
    }
    if (field.kind === 'message') {
      this.message(lookup(this.descriptors, field.message ?? ''), start, start + length, depth + 1, field.map === true)
    } else if (field.kind === 'string' && !isAscii(this.buf, start, start + length)) {
      try {
        utf8.decode(this.buf.subarray(start, start + length))
      } catch (cause) {
        throw new ProtoError('PROTO_UTF8', `${desc.name}.${field.name} is not valid UTF-8`, { cause })
      }
    }
    this.pos = start + length
  }

  /**
   * Varint fields. Ranges are enforced because decoders disagree beyond them: for an int32 or
   * enum sent as 2^63, Go truncates to 0 while google-protobuf JS reads -2^63; for a bool sent
   * as 2^32, Go reads true while protons (low 32 bits) reads false.
   */
  private scalar (desc: MessageDescriptor, field: FieldDescriptor, end: number): void {
    const start = this.pos
    const small = this.varint(end)
    switch (field.kind) {
      case 'bool':
        if (small > 1) throw this.malformed(desc, field, `bool encoded as ${small}`)
        return
      case 'uint32':
        if (small > UINT32_MAX) throw this.malformed(desc, field, 'value beyond 2^32 - 1')
        return
      case 'int32':
      case 'enum': {
        // Negative int32s travel sign-extended to ten bytes; anything else beyond int32 is not canonical.
        const value = small <= INT32_MAX ? small : this.reread(start, end, true)
        if (value < INT32_MIN || value > INT32_MAX) throw this.malformed(desc, field, 'value outside int32')
        if (field.kind === 'enum' && field.enumValues?.includes(value) !== true) {
          throw new ProtoError('PROTO_UNKNOWN_ENUM', `${desc.name}.${field.name}: unknown enum value ${value}`)
        }
        return
      }
    }
    if (field.safeNumber !== true) return
    if (this.pos - start > 1 && this.buf[this.pos - 1] === 0) {
      throw this.malformed(desc, field, 'non-minimal varint')
    }
    const value = small <= Number.MAX_SAFE_INTEGER ? small : this.reread(start, end, field.kind === 'int64')
    if (!Number.isSafeInteger(value)) {
      throw new ProtoError('PROTO_UNSAFE_INTEGER', `${desc.name}.${field.name}: value is beyond 2^53 - 1`)
    }
  }

  /** Reads the varint at `start` again, exactly, as a signed or unsigned 64-bit number (possibly imprecise). */
  private reread (start: number, end: number, signed: boolean): number {
    this.pos = start
    const value = this.varint64(end)
    return Number(signed ? BigInt.asIntN(64, value) : value)
  }

  private malformed (desc: MessageDescriptor, field: FieldDescriptor, what: string): ProtoError {
    return new ProtoError('PROTO_MALFORMED', `${desc.name}.${field.name}: ${what}`)
  }

  private skip (wireType: number, end: number, desc: MessageDescriptor, fieldNumber: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint(end)
        return
      case WIRE_I64:
        this.advance(8, end, desc)
        return
      case WIRE_LEN:
        this.advance(this.varint(end), end, desc)
        return
      case WIRE_I32:
        this.advance(4, end, desc)
        return
      default:
        throw new ProtoError('PROTO_WIRE_TYPE', `${desc.name}: unsupported wire type ${wireType} on unknown field ${fieldNumber}`)
    }
  }

  private advance (n: number, end: number, desc: MessageDescriptor): void {
    if (n > end - this.pos) {
      throw new ProtoError('PROTO_TRUNCATED', `${desc.name}: ${n} bytes needed at offset ${this.pos}, ${end - this.pos} left`)
    }
    this.pos += n
  }

  /**
   * Reads a base-128 varint of at most 10 bytes, the 10th no more than 1 (Go's
   * protowire.ConsumeVarint rules). Used for tags, lengths and values only compared or
   * skipped: exact up to 2^53, and anything larger fails those comparisons anyway.
   */
  private varint (end: number): number {
    let result = 0
    for (let i = 0; i < 10; i++) {
      const b = this.byte(end, i)
      result += (b & 0x7f) * 2 ** (7 * i)
      if (b < 0x80) return result
    }
    throw new ProtoError('PROTO_MALFORMED', `varint longer than 10 bytes at offset ${this.pos}`)
  }

  /** The same varint, exact, for values whose full 64 bits matter (enums, JS_NUMBER fields). */
  private varint64 (end: number): bigint {
    let result = 0n
    for (let i = 0; i < 10; i++) {
      const b = this.byte(end, i)
      result |= BigInt(b & 0x7f) << BigInt(7 * i)
      if (b < 0x80) return result
    }
    throw new ProtoError('PROTO_MALFORMED', `varint longer than 10 bytes at offset ${this.pos}`)
  }

  private byte (end: number, index: number): number {
    if (this.pos >= end) {
      throw new ProtoError('PROTO_TRUNCATED', `varint runs past the end at offset ${this.pos}`)
    }
    const b = this.buf[this.pos++] as number
    if (index === 9 && b > 1) {
      throw new ProtoError('PROTO_MALFORMED', `varint overflows 64 bits at offset ${this.pos - 1}`)
    }
    return b
  }
}
