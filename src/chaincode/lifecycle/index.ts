/**
 * Fabric's chaincode lifecycle (`_lifecycle`): install, approve, check readiness, commit, query;
 * definitions in committed state drive the validator's policies and the endorser's chaincodes.
 *
 * @module
 */
export * from './errors.js'
export * from './definition.js'
export * from './installed.js'
export * from './package.js'
export * from './lifecycle-scc.js'
export * from './resolver.js'
