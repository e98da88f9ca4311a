import { memoryKvStoreFactory } from '../../src/storage/memory.js'
import { ledgerSuite } from './ledger-suite.js'

ledgerSuite('memory storage', () => memoryKvStoreFactory())
