/**
 * Endorsement: the endorser's ProcessProposal and the proposal/transaction builders clients use.
 *
 * @module
 */
export * from './errors.js'
export * from './protoutil.js'
export * from './endorser.js'
