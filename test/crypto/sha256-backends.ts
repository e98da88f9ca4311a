// The backends every SHA-256 suite runs over (as-sha256's getSimdTests pattern: one suite, each engine).
import type { Sha256Backend } from '../../src/crypto/sha256.js'

export const SHA256_BACKENDS: readonly Sha256Backend[] = ['wasm-simd', 'wasm', 'js']
