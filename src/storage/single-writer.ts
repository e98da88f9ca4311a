/**
 * One writer per store across tabs: two tabs of the same origin opening the same IndexedDB
 * database as the same peer would both append blocks and corrupt each other's in-memory views.
 * A Web Lock (`navigator.locks`, exclusive, held until close) makes the second open wait, then
 * fail with STORAGE_LOCKED. Where Web Locks do not exist (Node, fake-indexeddb) it is a no-op.
 */
import { StorageError } from './errors.js'

interface LockManagerLike {
  request: (name: string, options: { mode: 'exclusive', signal?: AbortSignal }, callback: () => Promise<void>) => Promise<unknown>
}

/** Acquires the lock (waiting up to `waitMs` for a closing holder); resolves to its release function. */
export async function acquireSingleWriter (name: string, waitMs = 3000): Promise<() => void> {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks
  if (locks === undefined) return () => undefined
  let release: () => void = () => undefined
  const held = new Promise<void>((resolve) => { release = resolve })
  const signal = AbortSignal.timeout(waitMs)
  await new Promise<void>((resolve, reject) => {
    locks.request(`weft-kv:${name}`, { mode: 'exclusive', signal }, async () => {
      resolve()
      await held
    }).catch((err: unknown) => {
      reject(new StorageError('STORAGE_LOCKED', `store ${name} is open in another tab or window`, { cause: err }))
    })
  })
  return release
}
