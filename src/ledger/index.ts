/**
 * The ledger layer: one `KvLedger` per channel over a `KvStoreFactory` (IndexedDB in the browser,
 * fake-indexeddb or memory in tests). Layout, measurements and Fabric semantics: docs/ledger.md.
 *
 * @example
 * const ledger = await KvLedger.open({ channelId: 'mychannel', storage: idbKvStoreFactory() })
 * const sim = ledger.newTxSimulator(txId)        // chaincode runs against this (src/ledger/api.ts)
 * const rwset = await sim.getTxSimulationResults()
 * await ledger.commit(block, validationCodes)     // the committer, after validation
 *
 * @module
 */
export type * from './api.js'
export { LedgerError } from './errors.js'
export type { LedgerErrorCode } from './errors.js'
export { KvLedger, LEDGER_TABLES, dropDerivedDbs, extractUpdates, ledgerStoreName } from './kv-ledger.js'
export type { CommitOptions, PreParsedTx } from './kv-ledger.js'
export type { CommitStats, CommittedStateReader, KvLedgerInit } from './kv-ledger.js'
export type { ChainInfo, TxBeforeSnapshot, TxLocation } from './blockstore/block-store.js'
export type { StateDbOptions, VersionedValue } from './statedb/state-db.js'
export { createLedgerFromSnapshot, exportSnapshot, snapshotHash } from './snapshot.js'
export type { ExportOptions } from './snapshot.js'
export { COMPOSITE_KEY_NAMESPACE, EMPTY_KEY_SUBSTITUTE, compareUtf8 } from './statedb/keys.js'
