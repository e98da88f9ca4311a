// The MSP suite in real Chromium: real IndexedDB (non-extractable CryptoKeys persisted), BoringSSL
// WebCrypto, and the same suite with crypto.subtle removed.
import { mspSuite } from './msp-suite.js'

mspSuite('Chromium, with crypto.subtle', true)
mspSuite('Chromium, without crypto.subtle', false)
