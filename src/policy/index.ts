/**
 * Policies after Fabric: the signature-policy language (policydsl), signature-policy evaluation
 * (cauthdsl), ImplicitMeta, a channel's policy tree, and ACLs by Fabric resource name.
 *
 * @example
 * const msps = new MspManager([org1Msp, org2Msp])
 * const envelope = policyFromString("AND('Org1MSP.peer', 'Org2MSP.peer')")
 * const ok = await new SignaturePolicyEvaluator(envelope, msps).evaluateSignedData(signedData)
 *
 * @module
 */
export * from './errors.js'
export * from './policy.js'
export * from './builders.js'
export * from './parser.js'
export * from './msp-manager.js'
export * from './signed-data.js'
export * from './signature-policy.js'
export * from './implicit-meta.js'
export * from './channel-policies.js'
export * from './acl.js'
