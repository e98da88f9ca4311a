/**
 * Fabric-compatible protobuf messages for Weft.
 *
 * Every message keeps Fabric's name, field names (camelCased by protons) and field numbers, so
 * bytes round-trip with Fabric's own encoders (test/protos checks each one against
 * @hyperledger/fabric-protos in both directions). Each message `M` is an interface plus a
 * namespace with `M.codec()` (and raw `M.encode`/`M.decode`, which trust their input).
 *
 * - Decode untrusted bytes with `decode(M, bytes, options?)` and encode with `encode(M, value)`:
 *   they fail only with a `ProtoError` whose `code` says why (see ./errors.ts).
 * - 64-bit counters (block numbers, versions, sequences, timestamp seconds) are JS numbers;
 *   values beyond 2^53 - 1 are rejected rather than rounded.
 * - Enums used as field types are protons string enums (`MSPRole.MSPRoleType.ADMIN === 'ADMIN'`);
 *   Fabric's top-level enums stored as int32 or bytes are numeric constants (./enums.ts).
 * - Schema lives in ./schema/*.proto; regenerate with `npm run protos`.
 *
 * Not covered: packed repeated scalars (protons cannot decode them), hence no etcdraft
 * BlockMetadata/ClusterMetadata; gossip, discovery, gateway and chaincode-shim messages.
 *
 * @module
 */
export * from './generated/fabric.js'
export * from './enums.js'
export { ProtoError } from './errors.js'
export type { ProtoErrorCode } from './errors.js'
export {
  decode, encode, messageName,
  DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_REPEATED
} from './codec.js'
export type { DecodeOptions, EncodeOptions, ProtoMessage } from './codec.js'
export { blockHeaderBytes, blockHeaderHash, blockDataHash } from './block-hash.js'
export type { HashFunction } from './block-hash.js'
export { newBlock, newTxValidationFlags, blockMetadataAt, lastConfigIndex } from './block.js'
