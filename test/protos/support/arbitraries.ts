/**
 * fast-check arbitraries for every schema message, derived from the generated descriptors:
 * fully populated values (every field set, within depth) in protons' JS shape.
 */
import fc from 'fast-check'
import { descriptors } from '../../../src/protos/generated/descriptors.js'
import type { FieldDescriptor, MessageDescriptor } from '../../../src/protos/wire/descriptor.js'

export type Value = Record<string, unknown>

const MAX_DEPTH = 3
const edges64 = [1, 127, 128, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35, 2 ** 53 - 1]

export function messageDescriptor (name: string): MessageDescriptor {
  const d = descriptors[name]
  if (d === undefined) throw new Error(`no descriptor ${name}`)
  return d
}

/** Names of all real messages (map entries are not messages of their own in JS). */
export function messageNames (): string[] {
  return Object.values(descriptors)
    .filter((d) => !Object.values(descriptors).some((p) => Object.values(p.fields).some((f) => f.map === true && f.message === d.name)))
    .map((d) => d.name)
}

export function arbMessage (name: string, depth = 0): fc.Arbitrary<Value> {
  const desc = messageDescriptor(name)
  const fields = Object.values(desc.fields)
  const oneofs = new Map<string, FieldDescriptor[]>()
  for (const f of fields) {
    if (f.oneof !== undefined) oneofs.set(f.oneof, [...(oneofs.get(f.oneof) ?? []), f])
  }
  const plain: Record<string, fc.Arbitrary<unknown>> = {}
  for (const f of fields) {
    if (f.oneof === undefined) plain[f.name] = arbField(f, depth)
  }
  const groupArbs = [...oneofs.values()].map((members) =>
    fc.oneof(
      fc.constant({}),
      ...members
        .filter((m) => m.kind !== 'message' || depth < MAX_DEPTH)
        .map((m) => arbSingle(m, depth).map((v) => ({ [m.name]: v })))
    )
  )
  return fc.tuple(fc.record(plain), ...groupArbs).map(([base, ...groups]) => Object.assign({}, base, ...groups) as Value)
}

function arbField (f: FieldDescriptor, depth: number): fc.Arbitrary<unknown> {
  if (f.map === true) {
    const entry = messageDescriptor(f.message ?? '')
    if ((entry.fields[2] as FieldDescriptor).kind === 'message' && depth >= MAX_DEPTH) return fc.constant(new Map())
    // google-protobuf JS keeps map entries in a plain object, so it cannot hold '__proto__'.
    const key = arbSingle(entry.fields[1] as FieldDescriptor, depth).filter((k) => k !== '__proto__')
    const value = arbSingle(entry.fields[2] as FieldDescriptor, depth)
    return fc.array(fc.tuple(key, value), { maxLength: 3 }).map((pairs) => new Map(pairs))
  }
  if (f.repeated) {
    if (f.kind === 'message' && depth >= MAX_DEPTH) return fc.constant([])
    return fc.array(arbSingle(f, depth), { maxLength: 3 })
  }
  if (f.kind === 'message') {
    return depth >= MAX_DEPTH ? fc.constant(undefined) : fc.option(arbSingle(f, depth), { nil: undefined, freq: 4 })
  }
  return arbSingle(f, depth)
}

export function arbSingle (f: FieldDescriptor, depth: number): fc.Arbitrary<unknown> {
  switch (f.kind) {
    case 'message': return arbMessage(f.message ?? '', depth + 1)
    case 'bytes': return fc.uint8Array({ maxLength: 24 })
    case 'string': return fc.string({ unit: 'grapheme', maxLength: 12 })
    case 'bool': return fc.boolean()
    case 'enum': return fc.constantFrom(...Object.keys(f.enumNames ?? {}))
    case 'int32': return fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.constantFrom(-1, -(2 ** 31), 2 ** 31 - 1, 127, 128))
    case 'uint32': return fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(2 ** 31, 2 ** 32 - 1, 127, 128))
    // Edge values on purpose: protons-runtime once mangled [2^31, 2^32) and negatives here.
    case 'int64': return fc.oneof(fc.maxSafeInteger(), fc.constantFrom(...edges64, ...edges64.map((e) => -e)))
    case 'uint64': return fc.oneof(fc.maxSafeNat(), fc.constantFrom(...edges64))
  }
}
