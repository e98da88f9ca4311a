/**
 * `crypto.subtle` only exists in secure contexts (https, localhost); pages served over plain
 * http on a LAN have `crypto.getRandomValues` but no `subtle`. Looked up on every call, not at
 * import, so a test can remove it and so can a host page.
 */
export function getSubtle (): SubtleCrypto | undefined {
  const c = (globalThis as { crypto?: Crypto }).crypto
  return c?.subtle ?? undefined
}
