/**
 * Fabric-compatible protobuf messages for Weft.
 *
 * Every message keeps Fabric's name, field names (camelCased by protons) and field numbers,
 * so bytes round-trip with Fabric's own encoders. Each message `M` is an interface plus a
 * namespace with `M.encode(obj)`, `M.decode(bytes)` and `M.codec()`. Decode untrusted bytes
 * through `decode()` from ./codec.js, which turns every failure into a `ProtoError`.
 *
 * @module
 */
export * from './generated/fabric.js'
export * from './enums.js'
