/** Loggers and console inside the sandbox: everything goes to the peer's log sink through the host. */
import { hostLog } from './bridge.js'

function format (args: unknown[]): string {
  return args.map((a) => {
    if (typeof a === 'string') return a
    if (a instanceof Error) return `${a.name}: ${a.message}${a.stack !== undefined ? `\n${a.stack}` : ''}`
    try { return JSON.stringify(a) } catch { return String(a) }
  }).join(' ')
}

export interface GuestLogger {
  debug: (...args: unknown[]) => void
  info: (...args: unknown[]) => void
  warn: (...args: unknown[]) => void
  error: (...args: unknown[]) => void
}

export function newLogger (name = 'chaincode'): GuestLogger {
  const at = (level: string) => (...args: unknown[]) => { hostLog(level, `[${name}] ${format(args)}`) }
  return Object.freeze({ debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') })
}

export const guestConsole = Object.freeze({
  log: (...args: unknown[]) => { hostLog('info', format(args)) },
  info: (...args: unknown[]) => { hostLog('info', format(args)) },
  debug: (...args: unknown[]) => { hostLog('debug', format(args)) },
  trace: (...args: unknown[]) => { hostLog('debug', format(args)) },
  warn: (...args: unknown[]) => { hostLog('warn', format(args)) },
  error: (...args: unknown[]) => { hostLog('error', format(args)) }
})
