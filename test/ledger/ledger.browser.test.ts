// The ledger contract suite against Chromium's real IndexedDB (a fresh database prefix per test).
import { idbKvStoreFactory } from '../../src/storage/idb.js'
import { ledgerSuite } from './ledger-suite.js'

ledgerSuite('IndexedDB (Chromium)', () => idbKvStoreFactory({ namePrefix: `weft-test-${crypto.randomUUID()}-` }))
