/**
 * The reference transaction validator: Fabric's TxValidationCode for every transaction of a
 * block (see validator.ts for the order of checks). Pure over the CommittedState interface.
 *
 * @module
 */
export * from './errors.js'
export * from './state.js'
export * from './parse.js'
export * from './endorsement.js'
export * from './block-checks.js'
export * from './signatures.js'
export * from './validator.js'
