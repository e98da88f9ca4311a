/**
 * Checks a JS value against a message descriptor before protons encodes it.
 *
 * protons writes whatever it is given: a negative or fractional block number, a string in
 * a bytes field or a cyclic object would silently produce wrong bytes or crash deep in the
 * writer. This walk turns those into a `ProtoError('PROTO_ENCODE')` naming the field.
 *
 * @module
 */
import { ProtoError } from '../errors.js'
import type { FieldDescriptor, MessageDescriptor } from './descriptor.js'

const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1
const UINT32_MAX = 2 ** 32 - 1

export function checkValue (
  value: unknown,
  root: string,
  descriptors: Readonly<Record<string, MessageDescriptor>>,
  maxDepth: number
): void {
  checkMessage(value, descriptors[root], root, descriptors, maxDepth, 0)
}

function checkMessage (
  value: unknown,
  desc: MessageDescriptor | undefined,
  path: string,
  descriptors: Readonly<Record<string, MessageDescriptor>>,
  maxDepth: number,
  depth: number
): void {
  if (desc === undefined) throw fail(path, 'has no descriptor')
  if (depth > maxDepth) throw fail(path, `nests deeper than ${maxDepth} (cyclic value?)`)
  if (typeof value !== 'object' || value === null) throw fail(path, 'must be an object')
  const record = value as Record<string, unknown>
  let oneofsSet: Map<string, string> | undefined
  for (const field of Object.values(desc.fields)) {
    const v = record[field.name]
    if (v === undefined || v === null) continue
    const fieldPath = `${path}.${field.name}`
    if (field.oneof !== undefined) {
      // protons would silently keep one member by declaration order; say so instead.
      oneofsSet ??= new Map()
      const other = oneofsSet.get(field.oneof)
      if (other !== undefined) throw fail(path, `sets both ${other} and ${field.name} of oneof ${field.oneof}`)
      oneofsSet.set(field.oneof, field.name)
    }
    if (field.map === true) {
      if (!(v instanceof Map)) throw fail(fieldPath, 'must be a Map')
      checkMap(v, descriptors[field.message ?? ''], fieldPath, descriptors, maxDepth, depth)
    } else if (field.repeated) {
      if (!Array.isArray(v)) throw fail(fieldPath, 'must be an array')
      v.forEach((item, i) => { checkField(item, field, `${fieldPath}[${i}]`, descriptors, maxDepth, depth) })
    } else {
      checkField(v, field, fieldPath, descriptors, maxDepth, depth)
    }
  }
}

function checkMap (
  map: Map<unknown, unknown>,
  entry: MessageDescriptor | undefined,
  path: string,
  descriptors: Readonly<Record<string, MessageDescriptor>>,
  maxDepth: number,
  depth: number
): void {
  const keyField = entry?.fields[1]
  const valueField = entry?.fields[2]
  if (keyField === undefined || valueField === undefined) throw fail(path, 'has no map entry descriptor')
  for (const [k, v] of map) {
    checkField(k, keyField, `${path}{key}`, descriptors, maxDepth, depth)
    checkField(v, valueField, `${path}{${String(k)}}`, descriptors, maxDepth, depth)
  }
}

function checkField (
  v: unknown,
  field: FieldDescriptor,
  path: string,
  descriptors: Readonly<Record<string, MessageDescriptor>>,
  maxDepth: number,
  depth: number
): void {
  switch (field.kind) {
    case 'message':
      checkMessage(v, descriptors[field.message ?? ''], path, descriptors, maxDepth, depth + 1)
      return
    case 'bytes':
      if (!(v instanceof Uint8Array)) throw fail(path, 'must be a Uint8Array')
      return
    case 'string':
      if (typeof v !== 'string') throw fail(path, 'must be a string')
      return
    case 'bool':
      if (typeof v !== 'boolean') throw fail(path, 'must be a boolean')
      return
    case 'enum':
      // protons represents enum values by their names.
      if (typeof v !== 'string' || !Object.hasOwn(field.enumNames ?? {}, v)) {
        throw fail(path, `must be one of ${Object.keys(field.enumNames ?? {}).join(', ')}, got ${String(v)}`)
      }
      return
    case 'int32':
      checkInteger(v, path, INT32_MIN, INT32_MAX)
      return
    case 'uint32':
      checkInteger(v, path, 0, UINT32_MAX)
      return
    case 'int64':
    case 'uint64':
      if (field.safeNumber === true) {
        checkInteger(v, path, field.kind === 'uint64' ? 0 : Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
      } else if (typeof v !== 'bigint') {
        throw fail(path, 'must be a bigint')
      }
  }
}

function checkInteger (v: unknown, path: string, min: number, max: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw fail(path, `must be an integer in [${min}, ${max}], got ${String(v)}`)
  }
}

function fail (path: string, what: string): ProtoError {
  return new ProtoError('PROTO_ENCODE', `${path} ${what}`)
}
