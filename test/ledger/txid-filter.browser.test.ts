// The txId filter suite against Chromium's real IndexedDB (a fresh database prefix per test).
import { idbKvStoreFactory } from '../../src/storage/idb.js'
import { txIdFilterSuite } from './txid-filter-suite.js'

txIdFilterSuite('IndexedDB (Chromium)', () => idbKvStoreFactory({ namePrefix: `weft-test-${crypto.randomUUID()}-` }), { numRuns: 10 })
