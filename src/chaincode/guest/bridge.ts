/**
 * The guest's only way out of the sandbox: three host functions installed on the global object
 * before this bundle runs, captured here and then deleted so chaincode cannot reach them.
 * Host calls are fire-and-forget; the host answers through `complete()` (no host-side promises).
 */
import type { HostOp } from '../protocol.js'

type HostCall = (callId: number, txId: string, op: string, args: string) => void
type HostDone = (txId: string, response: string) => void
type HostLog = (level: string, text: string) => void

interface Bridge { call: HostCall, done: HostDone, log: HostLog }

function take (): Bridge {
  const g = globalThis as unknown as Record<string, unknown>
  const call = g.__weft_host_call
  const done = g.__weft_host_done
  const log = g.__weft_host_log
  if (typeof call !== 'function' || typeof done !== 'function' || typeof log !== 'function') {
    throw new Error('weft guest: host bridge missing')
  }
  delete g.__weft_host_call
  delete g.__weft_host_done
  delete g.__weft_host_log
  return { call: call as HostCall, done: done as HostDone, log: log as HostLog }
}

const bridge = take()
const pending = new Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void }>()
let nextCallId = 1

/** Asks the host to run `op` for transaction `txId`; resolves with the host's parsed JSON answer. */
export function hostCall<T> (txId: string, op: HostOp, args: unknown): Promise<T> {
  const callId = nextCallId++
  return new Promise<T>((resolve, reject) => {
    pending.set(callId, { resolve: resolve as (v: unknown) => void, reject })
    bridge.call(callId, txId, op, JSON.stringify(args))
  })
}

/** Called by the host when a host call finished. */
export function complete (callId: number, ok: boolean, result: string): void {
  const p = pending.get(callId)
  if (p === undefined) return
  pending.delete(callId)
  if (ok) p.resolve(result === '' ? undefined : JSON.parse(result))
  else p.reject(new Error(result))
}

export function hostDone (txId: string, response: string): void { bridge.done(txId, response) }
export function hostLog (level: string, text: string): void { bridge.log(level, text) }
