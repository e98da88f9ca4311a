/**
 * ECDSA P-256 / SHA-256 verification behind one interface, so the committer can use the
 * fastest backend on each platform: WebCrypto (secure contexts), @noble/curves (everywhere),
 * and the AssemblyScript WASM batch verifier (validation issue).
 */
export type SignatureFormat = 'der' | 'p1363'

export interface VerifyRequest {
  /** SEC1 public key: 65-byte uncompressed (0x04‖X‖Y) or 33-byte compressed. */
  publicKey: Uint8Array
  /** The signed message; the verifier hashes it with SHA-256. */
  message: Uint8Array
  /** DER (Fabric's encoding) unless `format` says otherwise. */
  signature: Uint8Array
  format?: SignatureFormat
}

export interface VerifierOptions {
  /**
   * Reject signatures whose s > n/2, as Fabric's bccsp does (`IsLowS`). Default true.
   * Wycheproof treats high-S as valid; its vectors run with `lowS: false`.
   */
  lowS?: boolean
}

export interface Verifier {
  /** e.g. 'webcrypto', 'noble', 'wasm' — shown in the app and in benchmarks. */
  readonly name: string
  /** Malformed keys or signatures verify as false; they never throw. */
  verify(request: VerifyRequest): Promise<boolean>
  /** Verdicts in request order; implementations exploit batching (one WASM call, many in flight). */
  verifyBatch(requests: readonly VerifyRequest[]): Promise<boolean[]>
}
