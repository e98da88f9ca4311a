import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'asm/', 'src/wasm/generated/', 'src/protos/generated/', 'bench/results.json', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly', process: 'readonly', globalThis: 'readonly', URL: 'readonly',
        TextEncoder: 'readonly', TextDecoder: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        setInterval: 'readonly', clearInterval: 'readonly', queueMicrotask: 'readonly', performance: 'readonly',
        WebAssembly: 'readonly', crypto: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly',
        structuredClone: 'readonly', Buffer: 'readonly', window: 'readonly', document: 'readonly', navigator: 'readonly',
        self: 'readonly', atob: 'readonly', btoa: 'readonly', Worker: 'readonly', Blob: 'readonly', fetch: 'readonly'
      }
    },
    rules: {
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports only.' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error'
    }
  },
  {
    // Sample chaincode written as Fabric developers write it (CommonJS require/module.exports);
    // the TypeScript sample needs value imports because decorator metadata references them at runtime.
    files: ['test/fixtures/chaincode/**'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', exports: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off', '@typescript-eslint/consistent-type-imports': 'off' }
  },
  {
    // Config files must default-export for their tools.
    files: ['eslint.config.js', 'vite.config.ts', 'vitest.config.ts', 'vitest.browser.config.ts', 'vitest.e2e.config.ts'],
    rules: { 'no-restricted-syntax': 'off' }
  }
)
