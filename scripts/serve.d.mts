// Types for scripts/serve.mjs, so TypeScript tests and the bench runner can import it.
export declare const DEFAULT_APP_DIR: string
export declare const DEFAULT_PORT: number
export interface StaticServer {
  url: string
  host: string
  port: number
  close: () => Promise<void>
}
export declare function startStaticServer (options?: { root?: string, host?: string, port?: number }): Promise<StaticServer>
export declare function lanAddresses (): string[]
