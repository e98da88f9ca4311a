import { describe, expect, it } from 'vitest'
import {
  compareJson, encodeIndexValue, executeQuerySync, fullScanPlan, indexEntryKey, matches, parseIndexDefinition, parseQuery, parseSelector, projectFields
} from '../../../src/ledger/statedb/mango/index.js'
import type { JsonValue } from '../../../src/ledger/statedb/mango/index.js'

/** JSON.parse accepts this; recursive code would overflow the stack on it. */
const DEPTH = 100_000
const deepArray = (leaf: string): JsonValue => JSON.parse('['.repeat(DEPTH) + JSON.stringify(leaf) + ']'.repeat(DEPTH)) as JsonValue
const deepObject = (leaf: number): JsonValue => JSON.parse('{"x":'.repeat(DEPTH) + String(leaf) + '}'.repeat(DEPTH)) as JsonValue

describe('absurdly deep documents (a value any chaincode can write)', () => {
  it('get index entry keys without overflowing the stack (the ledger does this while committing)', () => {
    const index = parseIndexDefinition('{"index":{"fields":["docType","payload"]}}')
    const key = indexEntryKey(index, { docType: 'd', payload: deepArray('a') }, 'k')
    expect(typeof key).toBe('string')
    expect((key as string).length).toBeGreaterThan(2 * DEPTH)
  })

  it('compare consistently with their encodings', () => {
    const a = deepArray('a')
    const b = deepArray('b')
    expect(compareJson(a, b)).toBe(-1)
    expect(compareJson(b, a)).toBe(1)
    expect(compareJson(a, deepArray('a'))).toBe(0)
    expect(compareJson(deepObject(1), deepObject(2))).toBe(-1)
    expect(encodeIndexValue(a) < encodeIndexValue(b)).toBe(true)
  })

  it('match, run through a query and project', () => {
    const doc = { docType: 'd', payload: deepObject(7) }
    expect(matches(parseSelector({ payload: { $eq: deepObject(7) } }), doc)).toBe(true)
    expect(matches(parseSelector({ payload: { $gt: deepObject(6) } }), doc)).toBe(true)
    const q = parseQuery('{"selector":{"docType":"d"},"sort":["payload"],"fields":["payload"]}')
    const page = executeQuerySync(q, fullScanPlan(q), [{ key: 'k1', doc }, { key: 'k2', doc: { docType: 'd', payload: deepObject(3) } }])
    expect(page.results.map(r => r.key)).toEqual(['k2', 'k1'])
  })
})

describe('projection never writes into the stored document', () => {
  it('copies an object before adding a nested field to it', () => {
    const doc = { a: { b: 1, c: 2 }, d: 3 }
    const before = JSON.stringify(doc)
    expect(projectFields(doc, [['a'], ['a', 'c'], ['d']])).toEqual({ a: { b: 1, c: 2 }, d: 3 })
    expect(projectFields(doc, [['a', 'b'], ['a'], ['a', 'c']])).toEqual({ a: { b: 1, c: 2 } })
    expect(JSON.stringify(doc)).toBe(before)
  })
})
