/**
 * The wire between the host (src/chaincode/runtime.ts) and the guest runtime that runs inside
 * the sandbox (src/chaincode/guest/). Everything crosses as JSON text; bytes are lower-case hex.
 * One string per call keeps the boundary small and easy to validate (SANDBOX.md pitfall 2, 7).
 *
 * host → guest:  `__weft.invoke(txInfoJson)`; later `__weft.complete(callId, ok, resultJson)`
 * guest → host:  `__weft_host_call(callId, txId, op, argsJson)` (fire and forget, answered by complete),
 *                `__weft_host_done(txId, responseJson)`, `__weft_host_log(level, text)`.
 */

/** Host operations the guest may request; every one is scoped by the host to the chaincode's namespace. */
export const HOST_OPS = [
  'getState', 'putState', 'deleteState', 'getStateMetadata', 'putStateMetadata',
  'getStateByRange', 'getQueryResult', 'getHistoryForKey', 'queryNext', 'queryClose',
  'invokeChaincode'
] as const
export type HostOp = typeof HOST_OPS[number]

export interface WireTimestamp { seconds: number, nanos: number }

export interface WireSerializedIdentity { mspid: string, idBytes: string }

/** What `getX509Certificate()` shows of a name (the fields fabric-shim's @fidm/x509 parse exposes). */
export interface WireCertName {
  commonName: string
  organizationName: string
  organizationalUnitName: string
  countryName: string
  localityName: string
  stateOrProvinceName: string
  attributes: Array<{ oid: string, shortName: string, value: string }>
}

export interface WireCertificate {
  raw: string
  serialNumber: string
  validFrom: string
  validTo: string
  signatureAlgorithm: string
  subject: WireCertName
  issuer: WireCertName
  publicKeyRaw: string
}

export interface WireIdentity {
  /** Hex SHA-256 of the creator bytes: the guest caches identities under it. */
  key: string
  id: string
  mspId: string
  idBytes: string
  attributes: Record<string, string>
  certificate?: WireCertificate
}

export interface WireSignedProposal {
  signature: string
  proposal: {
    header: {
      channelHeader: {
        type: number
        version: number
        timestamp: WireTimestamp
        channelId: string
        txId: string
        epoch: number
        extension: string
        tlsCertHash: string
      }
      signatureHeader: { creator: WireSerializedIdentity, nonce: string }
    }
    payload: { input: string, transientMap: Array<[string, string]> }
  }
}

export interface WireTxInfo {
  txId: string
  channelId: string
  /** The chaincode's own name (its state namespace). */
  chaincodeName: string
  /** The peer's local MSP id (`stub.getMspID()`). */
  localMspId: string
  isInit: boolean
  args: string[]
  transient: Array<[string, string]>
  creator: WireSerializedIdentity
  identity: WireIdentity
  timestamp: WireTimestamp
  binding: string
  signedProposal?: WireSignedProposal
}

/**
 * What actually crosses into QuickJS: the identity (several KB of certificate hex, which QuickJS
 * parses slowly) is sent only the first time the sandbox sees a creator, then named by its key.
 */
export type WireTxInfoSent = Omit<WireTxInfo, 'identity' | 'creator'> & {
  identityKey: string
  identity?: WireIdentity
  /** The guest must forget the identities it cached (the host's record of them was reset). */
  flushIdentities?: boolean
}

export interface WireResponse {
  status: number
  message: string
  payload: string
  event?: { name: string, payload: string }
}

export interface WireKV { namespace: string, key: string, value: string }
export interface WireKeyModification { txId: string, value: string, timestamp: WireTimestamp, isDelete: boolean }

/** First page of an opened iterator (Fabric's QueryResponse: results, has_more, id, metadata). */
export interface WireQueryResponse<T> {
  id: string
  results: T[]
  hasMore: boolean
  metadata?: { fetchedRecordsCount: number, bookmark: string }
}

/** Results handed over per host round trip (Fabric's `maxResultLimit` default is 100). */
export const QUERY_BATCH_SIZE = 100
