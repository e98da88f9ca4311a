import { Buffer } from 'buffer'

/** UTF-8 TextEncoder/TextDecoder for engines without them (QuickJS), built on the Buffer polyfill. */
export class GuestTextEncoder {
  get encoding (): string { return 'utf-8' }
  encode (input = ''): Uint8Array {
    const b = Buffer.from(String(input), 'utf8')
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice()
  }
}

export class GuestTextDecoder {
  readonly #fatal: boolean
  constructor (label = 'utf-8', options: { fatal?: boolean } = {}) {
    if (!/^utf-?8$/i.test(label)) throw new RangeError(`TextDecoder: only utf-8 is supported, not ${label}`)
    this.#fatal = options.fatal === true
  }

  get encoding (): string { return 'utf-8' }
  decode (input?: ArrayBuffer | ArrayBufferView): string {
    if (input === undefined) return ''
    const bytes = input instanceof ArrayBuffer
      ? Buffer.from(input)
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength)
    const text = bytes.toString('utf8')
    if (this.#fatal && !Buffer.from(text, 'utf8').equals(bytes)) throw new TypeError('TextDecoder: invalid UTF-8')
    return text
  }
}
