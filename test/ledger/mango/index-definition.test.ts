import { describe, expect, it } from 'vitest'
import { MangoError, encodeIndexEntryKey, extractIndexValues, indexEntryKey, parseIndexDefinition } from '../../../src/ledger/statedb/mango/index.js'

// Valid and invalid definitions below are Fabric's own (Apache-2.0): integration/chaincode/marbles/
// cmdwithindexspec/META-INF/statedb/couchdb/indexes/indexSizeSortDoc.json, core/chaincode/platforms/
// util/testdata/**/indexes/*.json and internal/ccmetadata/validators_test.go (TestIndexValidation,
// TestIndexValidationInvalidParameters, TestIndexValidationInvalidFields) at fabric 0c423ac.
const VALID = [
  '{"index":{"fields":["docType","owner"]},"ddoc":"indexOwnerDoc", "name":"indexOwner","type":"json"}',
  '{"index":{"fields":["data.docType","data.owner"]},"name":"indexOwner","type":"json"}',
  '{"index":{"fields":[{"size":"desc"}, {"color":"desc"}]},"ddoc":"indexSizeSortName", "name":"indexSizeSortName","type":"json"}',
  '{"index":{"fields":["size","color"]},"ddoc":"indexSizeSortName", "name":"indexSizeSortName","type":"json"}',
  '{"index":{"fields":["size","color"]}}',
  '{"index":{"partial_filter_selector":{"status":{"$ne":"archived"}},"fields":["type"]},"ddoc":"type-not-archived","type":"json"}',
  '{"index":{"fields":[{"size":"desc"},{"docType":"desc"},{"owner":"desc"}]},"ddoc":"indexSizeSortDoc","name":"indexSizeSortDesc","type":"json"}'
]

const INVALID: Array<[json: string, mentions: string]> = [
  ['This test file is expected to contain a json formatted couchdb index, but does not.', 'not valid JSON'],
  ['{"index":{"fields":[{"size":"desc"}, {"color":"desc"}]},"ddoc":1, "name":"indexSizeSortName","type":"json"}', '"ddoc"'],
  ['{"index":{"fields":["size","color"]},"ddoc1":"indexSizeSortName", "name":"indexSizeSortName","type":"json"}', 'ddoc1'],
  ['{"index":{"fields":["size","color"]},"ddoc":"indexSizeSortName", "name1":"indexSizeSortName","type":"json"}', 'name1'],
  ['{"index":{"fields":["size","color"]},"ddoc":"indexSizeSortName", "name":"indexSizeSortName","type":1}', 'type'],
  ['{"index":{"fields":["size","color"]},"ddoc":"indexSizeSortName", "name":"indexSizeSortName","type":"text"}', 'type'],
  ['{"index1":{"fields":["size","color"]},"ddoc":"indexSizeSortName", "name":"indexSizeSortName","type":"json"}', 'index1'],
  ['{"ddoc":"indexSizeSortName", "name":"indexSizeSortName","type":"json"}', '"index"'],
  ['{"index":{"fields1":[{"size":"desc"}, {"color":"desc"}]},"ddoc":"indexSizeSortName", "name":"indexSizeSortName","type":"json"}', 'index.fields1'],
  ['{"index":{"fields":["size", 1]},"ddoc":"indexSizeSortName", "name":"indexSizeSortName","type":"json"}', 'index.fields[1]'],
  ['{"index":{"fields":[{"size":"desc1"}, {"color":"desc"}]},"ddoc":"indexSizeSortName", "name":"indexSizeSortName","type":"json"}', 'index.fields[0]'],
  ['{"index":{"fields":[{"size":1}, {"color":"desc"}]},"ddoc":"indexSizeSortName", "name":"indexSizeSortName","type":"json"}', 'index.fields[0]'],
  ['{"index":{"fields":"size"},"ddoc":"indexSizeSortName", "name":"indexSizeSortName","type":"json"}', 'index.fields'],
  ['{"index":"fields","ddoc":"indexSizeSortName", "name":"indexSizeSortName","type":"json"}', '"index"'],
  // Weft additions (CouchDB refuses these when creating the index).
  ['{"index":{"fields":[]}}', 'non-empty'],
  ['{"index":{"fields":["a","a"]}}', 'twice'],
  ['{"index":{"fields":["a..b"]}}', 'empty segment'],
  ['{"index":{"fields":[{"a":"asc","b":"asc"}]}}', 'index.fields[0]'],
  ['{"index":{"fields":["a"],"partial_filter_selector":{"x":{"$bogus":1}}}}', '$bogus']
]

describe('parseIndexDefinition', () => {
  it.each(VALID)('accepts Fabric\'s valid definition %s', json => {
    expect(parseIndexDefinition(json).fields.length).toBeGreaterThan(0)
  })

  it.each(INVALID)('refuses %s naming the bad part', (json, mentions) => {
    let caught: unknown
    try {
      parseIndexDefinition(json, 'META-INF/statedb/couchdb/indexes/x.json')
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(MangoError)
    expect((caught as MangoError).code).toBe('MANGO_INVALID_INDEX')
    expect((caught as MangoError).message).toContain('META-INF/statedb/couchdb/indexes/x.json')
    expect((caught as MangoError).message).toContain(mentions)
  })

  it('reads fields, directions, ddoc (without _design/) and name', () => {
    const def = parseIndexDefinition('{"index":{"fields":[{"size":"DESC"},"owner.name"]},"ddoc":"_design/sizeDoc","name":"bySize","type":"json"}')
    expect(def.ddoc).toBe('sizeDoc')
    expect(def.name).toBe('bySize')
    expect(def.fields.map(f => [f.field, f.path, f.direction])).toEqual([['size', ['size'], 'desc'], ['owner.name', ['owner', 'name'], 'asc']])
  })

  it('derives a stable name and ddoc when they are missing', () => {
    const a = parseIndexDefinition('{"index":{"fields":["size","color"]}}')
    const b = parseIndexDefinition('{"index":{"fields":["size","color"]}}')
    expect(a.name).toBe(b.name)
    expect(a.ddoc).toBe(a.name)
  })
})

describe('extractIndexValues / indexEntryKey', () => {
  const def = parseIndexDefinition('{"index":{"fields":["docType","owner.name"]},"ddoc":"d","name":"n"}')

  it('extracts the indexed values in field order', () => {
    expect(extractIndexValues(def, { owner: { name: 'bob' }, docType: 'asset', x: 1 })).toEqual(['asset', 'bob'])
    expect(indexEntryKey(def, { owner: { name: 'bob' }, docType: 'asset' }, 'k1')).toBe(encodeIndexEntryKey(['asset', 'bob'], 'k1'))
  })

  it('leaves out documents lacking any indexed field (CouchDB json index)', () => {
    expect(extractIndexValues(def, { docType: 'asset' })).toBeUndefined()
    expect(extractIndexValues(def, { docType: 'asset', owner: 'bob' })).toBeUndefined()
    expect(extractIndexValues(def, 'not an object')).toBeUndefined()
    expect(indexEntryKey(def, { docType: 'a' }, 'k')).toBeUndefined()
  })

  it('indexes null and whole arrays as values', () => {
    expect(extractIndexValues(def, { docType: null, owner: { name: ['a', 'b'] } })).toEqual([null, ['a', 'b']])
  })

  it('applies the partial filter', () => {
    const partial = parseIndexDefinition('{"index":{"partial_filter_selector":{"status":{"$ne":"archived"}},"fields":["type"]},"ddoc":"type-not-archived","type":"json"}')
    expect(extractIndexValues(partial, { type: 't', status: 'live' })).toEqual(['t'])
    expect(extractIndexValues(partial, { type: 't', status: 'archived' })).toBeUndefined()
  })

  it('can index _id, the ledger key', () => {
    const byId = parseIndexDefinition('{"index":{"fields":["docType","_id"]}}')
    expect(extractIndexValues(byId, { docType: 'x' }, 'key-1')).toEqual(['x', 'key-1'])
  })
})
