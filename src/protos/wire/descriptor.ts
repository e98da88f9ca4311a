/**
 * A compact, schema-derived description of each message's fields, used by the wire
 * validator (./validate.ts) before protons decodes. Generated into
 * ../generated/descriptors.ts by scripts/gen-protos.mjs from the same .proto schema.
 *
 * @module
 */

/** The protobuf scalar or composite type of a field, as written in the schema. */
export type FieldKind =
  | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool' | 'enum'
  | 'string' | 'bytes' | 'message'

export interface FieldDescriptor {
  /** Field name as protons exposes it (camelCase). */
  readonly name: string
  readonly kind: FieldKind
  readonly repeated: boolean
  /** For kind 'message': the descriptor name (`Parent.Child`, map entries `Parent.fieldEntry`). */
  readonly message?: string
  /** For kind 'enum': the numbers the schema declares (protons rejects any other). */
  readonly enumValues?: readonly number[]
  /** For kind 'enum': name -> number, as declared (protons represents enum values by name). */
  readonly enumNames?: Readonly<Record<string, number>>
  /** 64-bit field decoded as a JS number (`jstype = JS_NUMBER`): must stay within 2^53 - 1. */
  readonly safeNumber?: boolean
  /** A `map<K, V>` field: repeated `message` entries with key = 1, value = 2; a `Map` in JS. */
  readonly map?: boolean
  /** Name of the oneof group this field belongs to. */
  readonly oneof?: string
}

export interface MessageDescriptor {
  readonly name: string
  readonly fields: Readonly<Record<number, FieldDescriptor>>
}
