/**
 * Fabric's top-level enums as numeric constants.
 *
 * Fabric stores these in `int32` fields (ChannelHeader.type, ProcessedTransaction.validationCode,
 * Policy.type) or raw bytes (the TRANSACTIONS_FILTER metadata holds one TxValidationCode byte per
 * transaction), so Weft handles them as numbers. Names and numbers are upstream's
 * (fabric-protos common/common.proto, peer/transaction.proto, common/policies.proto).
 *
 * @module
 */

/** common.HeaderType: the kind of payload an Envelope carries (ChannelHeader.type). */
export const HeaderType = Object.freeze({
  MESSAGE: 0,
  CONFIG: 1,
  CONFIG_UPDATE: 2,
  ENDORSER_TRANSACTION: 3,
  /** @deprecated upstream: only used by the removed system channel. */
  ORDERER_TRANSACTION: 4,
  DELIVER_SEEK_INFO: 5,
  CHAINCODE_PACKAGE: 6
  // 7, 8, 9 are reserved upstream (PEER_RESOURCE_UPDATE, PEER_ADMIN_OPERATION, TOKEN_TRANSACTION).
} as const)
export type HeaderType = typeof HeaderType[keyof typeof HeaderType]

/** common.BlockMetadataIndex: positions in BlockMetadata.metadata. */
export const BlockMetadataIndex = Object.freeze({
  SIGNATURES: 0,
  /** @deprecated upstream: Fabric 2.x keeps the last config index inside OrdererBlockMetadata at SIGNATURES. */
  LAST_CONFIG: 1,
  TRANSACTIONS_FILTER: 2,
  /** @deprecated upstream. */
  ORDERER: 3,
  COMMIT_HASH: 4
} as const)
export type BlockMetadataIndex = typeof BlockMetadataIndex[keyof typeof BlockMetadataIndex]

/** Number of BlockMetadata.metadata slots Fabric allocates (`len(cb.BlockMetadataIndex_name)`). */
export const BLOCK_METADATA_SLOTS = 5

/** protos.TxValidationCode: the committer's verdict per transaction. */
export const TxValidationCode = Object.freeze({
  VALID: 0,
  NIL_ENVELOPE: 1,
  BAD_PAYLOAD: 2,
  BAD_COMMON_HEADER: 3,
  BAD_CREATOR_SIGNATURE: 4,
  INVALID_ENDORSER_TRANSACTION: 5,
  INVALID_CONFIG_TRANSACTION: 6,
  UNSUPPORTED_TX_PAYLOAD: 7,
  BAD_PROPOSAL_TXID: 8,
  DUPLICATE_TXID: 9,
  ENDORSEMENT_POLICY_FAILURE: 10,
  MVCC_READ_CONFLICT: 11,
  PHANTOM_READ_CONFLICT: 12,
  UNKNOWN_TX_TYPE: 13,
  TARGET_CHAIN_NOT_FOUND: 14,
  MARSHAL_TX_ERROR: 15,
  NIL_TXACTION: 16,
  EXPIRED_CHAINCODE: 17,
  CHAINCODE_VERSION_CONFLICT: 18,
  BAD_HEADER_EXTENSION: 19,
  BAD_CHANNEL_HEADER: 20,
  BAD_RESPONSE_PAYLOAD: 21,
  BAD_RWSET: 22,
  ILLEGAL_WRITESET: 23,
  INVALID_WRITESET: 24,
  INVALID_CHAINCODE: 25,
  NOT_VALIDATED: 254,
  INVALID_OTHER_REASON: 255
} as const)
export type TxValidationCode = typeof TxValidationCode[keyof typeof TxValidationCode]
export type TxValidationCodeName = keyof typeof TxValidationCode

const txValidationCodeNames: ReadonlyMap<number, TxValidationCodeName> = new Map(
  (Object.entries(TxValidationCode) as Array<[TxValidationCodeName, number]>).map(([name, code]) => [code, name])
)

/** Fabric's name for a validation code, e.g. 11 -> 'MVCC_READ_CONFLICT'; undefined if unknown. */
export function txValidationCodeName (code: number): TxValidationCodeName | undefined {
  return txValidationCodeNames.get(code)
}

/** True when `code` is one of Fabric's TxValidationCode numbers. */
export function isTxValidationCode (code: number): code is TxValidationCode {
  return txValidationCodeNames.has(code)
}

/** common.Status: HTTP-like status codes used by Response.status and Deliver. */
export const Status = Object.freeze({
  UNKNOWN: 0,
  SUCCESS: 200,
  BAD_REQUEST: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  REQUEST_ENTITY_TOO_LARGE: 413,
  INTERNAL_SERVER_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  SERVICE_UNAVAILABLE: 503
} as const)
export type Status = typeof Status[keyof typeof Status]

/** common.Policy.PolicyType: the meaning of Policy.type. */
export const PolicyType = Object.freeze({
  UNKNOWN: 0,
  SIGNATURE: 1,
  MSP: 2,
  IMPLICIT_META: 3
} as const)
export type PolicyType = typeof PolicyType[keyof typeof PolicyType]

/** protos.MetaDataKeys: key metadata names for state-based endorsement. */
export const MetaDataKeys = Object.freeze({
  VALIDATION_PARAMETER: 0,
  VALIDATION_PARAMETER_V2: 1
} as const)
export type MetaDataKeys = typeof MetaDataKeys[keyof typeof MetaDataKeys]
