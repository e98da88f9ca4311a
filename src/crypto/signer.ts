/**
 * An ECDSA P-256/SHA-256 signing key. `sign` hashes the message with SHA-256 and returns a
 * low-S DER signature (Fabric's bccsp `signECDSA`: sign, then `ToLowS`, then marshal DER).
 */
export interface Signer {
  /** 'webcrypto' (non-extractable CryptoKey) or 'noble' (raw private key in memory). */
  readonly kind: SignerKind
  /** SEC1 uncompressed public key (65 bytes). */
  readonly publicKey: Uint8Array
  sign(message: Uint8Array): Promise<Uint8Array>
}

export type SignerKind = 'webcrypto' | 'noble'
