import { WeftError } from '../shared/errors.js'

/**
 * Why bytes could not be decoded (or a value encoded). Callers branch on `code`.
 *
 * - `PROTO_TRUNCATED`: the input ends inside a field.
 * - `PROTO_WIRE_TYPE`: a known field arrived with the wrong wire type, or a wire type
 *   protobuf does not define (groups included; Fabric never uses them).
 * - `PROTO_OVERSIZE`: the input is longer than the configured maximum.
 * - `PROTO_LIMIT`: a repeated field or map holds more elements than allowed.
 * - `PROTO_TOO_DEEP`: messages nest deeper than allowed (SignaturePolicy is recursive).
 * - `PROTO_UTF8`: a string field is not valid UTF-8 (Go's proto3 decoder rejects it too).
 * - `PROTO_UNKNOWN_ENUM`: an enum field holds a number the schema does not declare.
 * - `PROTO_UNSAFE_INTEGER`: a 64-bit counter exceeds 2^53 - 1 and would lose precision.
 * - `PROTO_MALFORMED`: anything else wrong with the bytes (bad varint, field number 0,
 *   a repeated singular message, two members of one oneof, not a Uint8Array).
 * - `PROTO_ENCODE`: a value could not be encoded.
 */
export type ProtoErrorCode =
  | 'PROTO_TRUNCATED'
  | 'PROTO_WIRE_TYPE'
  | 'PROTO_OVERSIZE'
  | 'PROTO_LIMIT'
  | 'PROTO_TOO_DEEP'
  | 'PROTO_UTF8'
  | 'PROTO_UNKNOWN_ENUM'
  | 'PROTO_UNSAFE_INTEGER'
  | 'PROTO_MALFORMED'
  | 'PROTO_ENCODE'

export class ProtoError extends WeftError {
  static override readonly name: string = 'ProtoError'
  declare readonly code: ProtoErrorCode

  constructor (code: ProtoErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options)
  }
}
