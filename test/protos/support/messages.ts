import * as generated from '../../../src/protos/generated/fabric.js'
import type { ProtoMessage } from '../../../src/protos/codec.js'

/** Our generated namespace for a descriptor name such as 'SignaturePolicy.NOutOf'. */
export function ourMessage (name: string): ProtoMessage<Record<string, unknown>> {
  let node: unknown = generated
  for (const part of name.split('.')) node = (node as Record<string, unknown>)[part]
  if (typeof (node as { codec?: unknown }).codec !== 'function') throw new Error(`no generated message ${name}`)
  return node as ProtoMessage<Record<string, unknown>>
}
