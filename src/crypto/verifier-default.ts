import { getSubtle } from './subtle.js'
import type { Verifier, VerifierOptions } from './verifier.js'
import { NobleVerifier, type NobleVerifierOptions } from './verifier-noble.js'
import { WebCryptoVerifier, type WebCryptoVerifierOptions } from './verifier-webcrypto.js'

/**
 * The fastest verifier available here: WebCrypto where `crypto.subtle` exists (secure contexts,
 * Node), else noble. The WASM batch verifier will be preferred once it lands.
 */
export function defaultVerifier (options: VerifierOptions & WebCryptoVerifierOptions & NobleVerifierOptions = {}): Verifier {
  return getSubtle() !== undefined ? new WebCryptoVerifier(options) : new NobleVerifier(options)
}
