import { EntryType } from '../types.js'
import type { Entry } from '../types.js'

/**
 * The simulator's replicated state machine: a running FNV-1a hash over every applied entry.
 * Two replicas that applied the same entries in the same order have the same hash, so comparing
 * hashes per index checks State Machine Safety across snapshots and restarts.
 */
export const FNV_OFFSET = 0x811c9dc5

export function fnv1a (hash: number, bytes: Uint8Array): number {
  let h = hash
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i] as number
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

function mixNumber (hash: number, n: number): number {
  let h = hash
  for (let k = 0; k < 4; k++) {
    h ^= (n >>> (k * 8)) & 0xff
    h = Math.imul(h, 0x01000193) >>> 0
  }
  h ^= Math.floor(n / 2 ** 32) & 0xff
  return Math.imul(h, 0x01000193) >>> 0
}

/** Identifies an entry's content (type and data) independently of where it sits. */
export function entryDigest (entry: Entry): string {
  return `${entry.type === EntryType.ConfChange ? 'c' : 'n'}${entry.data.byteLength}:${fnv1a(FNV_OFFSET, entry.data)}`
}

export function nextStateHash (hash: number, entry: Entry): number {
  let h = mixNumber(hash, entry.index)
  h = mixNumber(h, entry.term)
  h = mixNumber(h, entry.type)
  return fnv1a(h, entry.data)
}

export interface MachineState {
  readonly appliedIndex: number
  readonly hash: number
}

export const INITIAL_MACHINE_STATE: MachineState = Object.freeze({ appliedIndex: 0, hash: FNV_OFFSET })

export function encodeMachineState (state: MachineState): Uint8Array {
  const out = new Uint8Array(12)
  const view = new DataView(out.buffer)
  view.setFloat64(0, state.appliedIndex)
  view.setUint32(8, state.hash)
  return out
}

export function decodeMachineState (data: Uint8Array): MachineState {
  if (data.byteLength === 0) return INITIAL_MACHINE_STATE
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  return { appliedIndex: view.getFloat64(0), hash: view.getUint32(8) }
}
