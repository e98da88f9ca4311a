/** libp2p's convention: every async API takes `{ signal }`. */
export interface AbortOptions {
  signal?: AbortSignal
}
