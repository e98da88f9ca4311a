/**
 * Wire compatibility with Fabric's own JS bindings (@hyperledger/fabric-protos 0.3.x),
 * for every message in our schema, in both directions, every field populated.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decode, encode } from '../../src/protos/index.js'
import { arbMessage, messageNames } from './support/arbitraries.js'
import type { Value } from './support/arbitraries.js'
import { buildReference, normalizeOurs, normalizeReference, referenceClass, referenceClasses } from './support/fabric-reference.js'
import { ourMessage } from './support/messages.js'

const RUNS = Math.max(1, Math.round(20 * Number(process.env.WEFT_FUZZ_SCALE ?? '1')))
const names = messageNames()

/** Map entry order is unspecified in protobuf, so bytes are compared only without multi-entry maps. */
function hasMultiEntryMap (v: unknown): boolean {
  if (v instanceof Map) return v.size > 1 || [...v.values()].some(hasMultiEntryMap)
  if (Array.isArray(v)) return v.some(hasMultiEntryMap)
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) return Object.values(v).some(hasMultiEntryMap)
  return false
}

describe('schema coverage', () => {
  it('maps every schema message to a Fabric reference class and back', () => {
    expect(names.length).toBeGreaterThanOrEqual(60)
    expect(new Set(names)).toEqual(new Set(Object.keys(referenceClasses)))
  })
})

describe.each(names)('%s is wire-compatible with fabric-protos', (name) => {
  const ours = ourMessage(name)
  const theirs = referenceClass(name)

  it('ours -> bytes -> theirs: every field equal', () => {
    fc.assert(fc.property(arbMessage(name), (value: Value) => {
      const parsed = theirs.deserializeBinary(encode(ours, value))
      expect(normalizeReference(name, parsed.toObject())).toEqual(normalizeOurs(name, value))
    }), { numRuns: RUNS })
  })

  it('theirs -> bytes -> ours: every field equal', () => {
    fc.assert(fc.property(arbMessage(name), (value: Value) => {
      const bytes = buildReference(name, value).serializeBinary()
      const decoded = decode(ours, bytes)
      expect(decoded).toEqual(value)
      expect(normalizeOurs(name, decoded)).toEqual(normalizeOurs(name, value))
    }), { numRuns: RUNS })
  })

  it('produces the same bytes as fabric-protos', () => {
    fc.assert(fc.property(arbMessage(name).filter((v) => !hasMultiEntryMap(v)), (value: Value) => {
      expect(encode(ours, value)).toEqual(buildReference(name, value).serializeBinary())
    }), { numRuns: RUNS })
  })
})
