import { describe, expect, it } from 'vitest'
import { MangoError, parseIndexDefinition, parseQuery, parseQueryObject, parseSelector } from '../../../src/ledger/statedb/mango/index.js'

function errorOf (queryJson: string): MangoError {
  try {
    parseQuery(queryJson)
  } catch (err) {
    if (err instanceof MangoError) return err
    throw err
  }
  throw new Error(`expected ${queryJson} to be refused`)
}

describe('parseQuery: options', () => {
  it('reads every option', () => {
    const q = parseQuery(JSON.stringify({
      selector: { docType: 'asset' },
      sort: [{ size: 'desc' }, { 'owner.name': 'desc' }],
      limit: 10,
      skip: 2,
      fields: ['size', 'owner.name'],
      use_index: ['_design/indexSizeDoc', 'indexSize'],
      bookmark: 'abc',
      execution_stats: true
    }))
    expect(q.sort.map(s => [s.field, s.path, s.direction])).toEqual([['size', ['size'], 'desc'], ['owner.name', ['owner', 'name'], 'desc']])
    expect(q.limit).toBe(10)
    expect(q.skip).toBe(2)
    expect(q.fields).toEqual([['size'], ['owner', 'name']])
    expect(q.useIndex).toEqual({ ddoc: 'indexSizeDoc', name: 'indexSize' })
    expect(q.bookmark).toBe('abc')
    expect(q.allowFallback).toBe(true)
  })

  it('defaults: no sort, no limit, skip 0, whole documents', () => {
    const q = parseQuery('{"selector":{}}')
    expect(q.sort).toEqual([])
    expect(q.limit).toBeUndefined()
    expect(q.skip).toBe(0)
    expect(q.fields).toEqual([])
    expect(q.useIndex).toBeUndefined()
  })

  it('accepts use_index as a string and as a one-element array', () => {
    expect(parseQuery('{"selector":{},"use_index":"_design/d"}').useIndex).toEqual({ ddoc: 'd' })
    expect(parseQuery('{"selector":{},"use_index":["d"]}').useIndex).toEqual({ ddoc: 'd' })
  })
})

describe('parseQuery: invalid input names the bad part', () => {
  const cases: Array<[query: string, code: string, mentions: string[]]> = [
    ['not json', 'MANGO_INVALID_QUERY', ['not valid JSON']],
    ['[1]', 'MANGO_INVALID_QUERY', ['JSON object']],
    ['{}', 'MANGO_INVALID_SELECTOR', ['"selector" is required']],
    ['{"selector":{},"limt":5}', 'MANGO_INVALID_QUERY', ['"limt"']],
    ['{"selector":[]}', 'MANGO_INVALID_SELECTOR', ['selector must be a JSON object']],
    ['{"selector":{"a":{"$foo":1}}}', 'MANGO_INVALID_OPERATOR', ['"a"', '$foo']],
    ['{"selector":{"a":{"b":{"$in":5}}}}', 'MANGO_INVALID_OPERATOR', ['"a.b"', '$in', 'array']],
    ['{"selector":{"a":{"$nin":"x"}}}', 'MANGO_INVALID_OPERATOR', ['"a"', '$nin']],
    ['{"selector":{"a":{"$all":{}}}}', 'MANGO_INVALID_OPERATOR', ['"a"', '$all']],
    ['{"selector":{"a":{"$exists":"yes"}}}', 'MANGO_INVALID_OPERATOR', ['"a"', '$exists', 'true or false']],
    ['{"selector":{"a":{"$type":"int"}}}', 'MANGO_INVALID_OPERATOR', ['"a"', '$type']],
    ['{"selector":{"a":{"$mod":[0,1]}}}', 'MANGO_INVALID_OPERATOR', ['"a"', '$mod', 'non-zero']],
    ['{"selector":{"a":{"$mod":[2]}}}', 'MANGO_INVALID_OPERATOR', ['"a"', '$mod']],
    ['{"selector":{"a":{"$size":-1}}}', 'MANGO_INVALID_OPERATOR', ['"a"', '$size']],
    ['{"selector":{"a":{"$size":1.5}}}', 'MANGO_INVALID_OPERATOR', ['"a"', '$size']],
    ['{"selector":{"a":{"$regex":5}}}', 'MANGO_INVALID_OPERATOR', ['"a"', '$regex']],
    ['{"selector":{"a":{"$regex":"("}}}', 'MANGO_INVALID_REGEX', ['"a"', 'does not compile']],
    ['{"selector":{"a":{"$elemMatch":[1]}}}', 'MANGO_INVALID_OPERATOR', ['"a"', '$elemMatch']],
    ['{"selector":{"a":{"$elemMatch":{"b":{"$gt":[1],"$zz":2}}}}}', 'MANGO_INVALID_OPERATOR', ['selector field "a": $elemMatch > selector field "b": $zz']],
    ['{"selector":{"x.y":{"$allMatch":{"$size":"2"}}}}', 'MANGO_INVALID_OPERATOR', ['"x.y": $allMatch >', '$size']],
    ['{"selector":{"$and":{"a":1}}}', 'MANGO_INVALID_OPERATOR', ['$and', 'array']],
    ['{"selector":{"$or":[1]}}', 'MANGO_INVALID_OPERATOR', ['$or[0]']],
    ['{"selector":{"$or":[{"a":1},{"b":{"$lt":1,"$bad":2}}]}}', 'MANGO_INVALID_OPERATOR', ['"b"', '$bad']],
    ['{"selector":{"$nor":"x"}}', 'MANGO_INVALID_OPERATOR', ['$nor']],
    ['{"selector":{"$not":[1]}}', 'MANGO_INVALID_OPERATOR', ['$not']],
    ['{"selector":{"$not":{}}}', 'MANGO_INVALID_OPERATOR', ['$not']],
    ['{"selector":{"$gt":1}}', 'MANGO_INVALID_SELECTOR', ['$gt', 'needs a field']],
    ['{"selector":{"a":{"$where":"1"}}}', 'MANGO_UNSUPPORTED_OPERATOR', ['"a"', '$where']],
    ['{"selector":{"$text":"x"}}', 'MANGO_UNSUPPORTED_OPERATOR', ['$text']],
    ['{"selector":{"a..b":1}}', 'MANGO_INVALID_SELECTOR', ['"a..b"', 'empty segment']],
    ['{"selector":{"":1}}', 'MANGO_INVALID_SELECTOR', ['empty segment']],
    ['{"selector":{},"sort":{"a":"asc"}}', 'MANGO_INVALID_SORT', ['"sort" must be an array']],
    ['{"selector":{},"sort":[{"a":"up"}]}', 'MANGO_INVALID_SORT', ['sort[0]']],
    ['{"selector":{},"sort":[{"a":"asc","b":"asc"}]}', 'MANGO_INVALID_SORT', ['sort[0]']],
    ['{"selector":{},"sort":["a",{"b":"desc"}]}', 'MANGO_INVALID_SORT', ['"b" is desc', '"a" is asc']],
    ['{"selector":{},"sort":[7]}', 'MANGO_INVALID_SORT', ['sort[0]']],
    ['{"selector":{},"limit":-1}', 'MANGO_INVALID_LIMIT', ['"limit"']],
    ['{"selector":{},"limit":1.5}', 'MANGO_INVALID_LIMIT', ['"limit"']],
    ['{"selector":{},"skip":"2"}', 'MANGO_INVALID_SKIP', ['"skip"']],
    ['{"selector":{},"fields":"a"}', 'MANGO_INVALID_FIELDS', ['"fields"']],
    ['{"selector":{},"fields":["a",3]}', 'MANGO_INVALID_FIELDS', ['fields[1]']],
    ['{"selector":{},"use_index":5}', 'MANGO_INVALID_USE_INDEX', ['"use_index"']],
    ['{"selector":{},"use_index":["a","b","c"]}', 'MANGO_INVALID_USE_INDEX', ['"use_index"']],
    ['{"selector":{},"bookmark":5}', 'MANGO_INVALID_BOOKMARK', ['"bookmark"']],
    ['{"selector":{},"allow_fallback":"no"}', 'MANGO_INVALID_QUERY', ['allow_fallback']]
  ]

  it.each(cases)('%s -> %s', (query, code, mentions) => {
    const err = errorOf(query)
    expect(err.code).toBe(code)
    for (const text of mentions) expect(err.message).toContain(text)
  })

  it('refuses selectors nested deeper than the bound instead of overflowing the stack', () => {
    let selector: unknown = { a: 1 }
    for (let i = 0; i < 200; i++) selector = { $and: [selector] }
    expect(errorOf(JSON.stringify({ selector })).code).toBe('MANGO_INVALID_SELECTOR')
  })
})

describe('parsed-object entry points refuse values that are not plain JSON', () => {
  it.each([
    ['undefined', { a: undefined }],
    ['NaN', { a: { $gt: Number.NaN } }],
    ['Infinity', { a: [Infinity] }],
    ['a function', { a: () => 1 }],
    ['a Date', { a: new Date(0) }],
    ['a Map', { a: new Map() }],
    ['a bigint', { a: 1n }]
  ])('%s', (_name, selector) => {
    expect(() => parseSelector(selector)).toThrow(expect.objectContaining({ code: 'MANGO_INVALID_SELECTOR' }))
    expect(() => parseQueryObject({ selector })).toThrow(expect.objectContaining({ code: 'MANGO_INVALID_QUERY' }))
    expect(() => parseIndexDefinition({ index: { fields: ['a'], partial_filter_selector: selector } })).toThrow(expect.objectContaining({ code: 'MANGO_INVALID_INDEX' }))
  })
})
