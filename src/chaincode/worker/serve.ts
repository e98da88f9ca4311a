/**
 * The Worker side: runs one chaincode in a QuickJsSandbox and forwards its host calls to the
 * main thread. After a time or memory failure the worker starts a fresh sandbox itself, so the
 * Worker survives ordinary failures; the main thread terminates it only as a backstop.
 */
import { ChaincodeError } from '../errors.js'
import { QuickJsSandbox } from '../quickjs-sandbox.js'
import type { HostCallHandler, SandboxOptions } from '../sandbox.js'
import type { ParentPort, ToWorker } from './messages.js'

export function serveSandbox (parent: ParentPort): void {
  let options: SandboxOptions | undefined
  let sandbox: QuickJsSandbox | undefined
  let restarting: Promise<QuickJsSandbox> | undefined
  const pending = new Map<string, Map<number, { resolve: (r: string) => void, reject: (e: Error) => void }>>()
  let nextCallId = 1

  const healthy = async (): Promise<QuickJsSandbox> => {
    if (sandbox !== undefined && sandbox.poisoned === undefined) return sandbox
    restarting ??= QuickJsSandbox.create(options as SandboxOptions).then((s) => { sandbox = s; return s }).finally(() => { restarting = undefined })
    return await restarting
  }

  const handlerFor = (txId: string): HostCallHandler => ({
    handle: async (op, args) => await new Promise<string>((resolve, reject) => {
      const callId = nextCallId++
      let calls = pending.get(txId)
      if (calls === undefined) { calls = new Map(); pending.set(txId, calls) }
      calls.set(callId, { resolve, reject })
      parent.postMessage({ t: 'hostCall', txId, callId, op, args })
    })
  })

  const onMessage = async (m: ToWorker): Promise<void> => {
    switch (m.t) {
      case 'start':
        options = {
          source: m.source, format: m.format, memoryLimitBytes: m.memoryLimitBytes, maxStackBytes: m.maxStackBytes, loadTimeoutMs: m.loadTimeoutMs,
          log: (level, message) => { parent.postMessage({ t: 'log', level, message }) }
        }
        try {
          sandbox = await QuickJsSandbox.create(options)
          parent.postMessage({ t: 'started', kind: sandbox.kind })
        } catch (err) {
          const e = err instanceof ChaincodeError ? err : new ChaincodeError('CHAINCODE_LOAD_FAILED', String(err))
          parent.postMessage({ t: 'failed', code: e.code, message: e.message })
        }
        return
      case 'invoke': {
        const txId = m.info.txId
        try {
          const s = await healthy()
          const response = await s.invoke(m.info, handlerFor(txId), m.timeoutMs)
          parent.postMessage({ t: 'result', txId, response })
        } catch (err) {
          const e = err instanceof ChaincodeError ? err : new ChaincodeError('CHAINCODE_CRASHED', String(err))
          parent.postMessage({ t: 'error', txId, code: e.code, message: e.message })
        } finally {
          pending.delete(txId)
        }
        return
      }
      case 'hostResult': {
        const call = pending.get(m.txId)?.get(m.callId)
        if (call === undefined) return
        pending.get(m.txId)?.delete(m.callId)
        if (m.ok) call.resolve(m.result)
        else call.reject(new Error(m.result))
      }
    }
  }

  parent.listen((m) => { void onMessage(m) })
}
