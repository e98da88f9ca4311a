/**
 * The reference committer: validate (src/validator), then commit through the ledger.
 *
 * @module
 */
export * from './committer.js'
export * from './ledger-state.js'
