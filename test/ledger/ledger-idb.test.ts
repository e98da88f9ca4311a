// idb's wrap() recognises requests by the global IDB* classes: install fake-indexeddb's globals.
import 'fake-indexeddb/auto'
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb'
import { idbKvStoreFactory } from '../../src/storage/idb.js'
import { ledgerSuite } from './ledger-suite.js'

ledgerSuite('IndexedDB (fake-indexeddb)', () => idbKvStoreFactory({ indexedDB: new IDBFactory(), keyRange: IDBKeyRange }))
