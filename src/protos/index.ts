/**
 * Fabric-compatible protobuf messages for Weft.
 *
 * Every message keeps Fabric's name, field names (camelCased by protons) and field numbers,
 * so bytes round-trip with Fabric's own encoders. Each message `M` is an interface plus a
 * namespace with `M.codec()` (and raw `M.encode`/`M.decode`, which trust their input).
 * Decode untrusted bytes with `decode(M, bytes)` and encode with `encode(M, value)` from
 * here: they fail only with a `ProtoError` carrying a code.
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
