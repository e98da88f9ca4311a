/**
 * Membership service provider: X.509 identities, a Fabric-CA-style certificate authority, roles
 * (NodeOUs), attributes, signing identities and key storage. Works without `crypto.subtle`.
 *
 * @module
 */
export * from './errors.js'
export * from './roles.js'
export * from './attributes.js'
export * from './certificate.js'
export * from './dn.js'
export * from './serialized-identity.js'
export * from './identity.js'
export * from './msp.js'
export * from './signing-identity.js'
export * from './ca.js'
export * from './csr.js'
export * from './keystore.js'
export * from './keystore-idb.js'
export * from './txid.js'
export * from './client-identity.js'
export { signerKey, publicKeyObject, x509Crypto } from './x509-crypto.js'
export { x509 } from './x509.js'
