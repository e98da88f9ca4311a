import { describe, expect, it } from 'vitest'
import { MAX_REGEX_LENGTH, MangoError, matches, parseSelector } from '../../../src/ledger/statedb/mango/index.js'

function regexError (pattern: string): MangoError | undefined {
  try {
    parseSelector({ name: { $regex: pattern } })
    return undefined
  } catch (err) {
    if (err instanceof MangoError) return err
    throw err
  }
}

describe('$regex compilation and ReDoS stance', () => {
  it.each(['^a.*b$', 'ab+c', '(ab)+', '(a|b)*c', '[a-z]{2,5}', '(?:x\\d+)?', '\\(a+\\)+', '[(a+)+]', '(a{2})+'])('accepts %s', pattern => {
    expect(regexError(pattern)).toBeUndefined()
  })

  it.each(['(a+)+', '(a*)*', '(\\w+\\s?)*$', '((ab)*)+', '(a{1,})+', '(x+y?){3,}', '(a)\\1', '(?<n>a)\\k<n>'])('refuses %s', pattern => {
    const err = regexError(pattern)
    expect(err?.code).toBe('MANGO_INVALID_REGEX')
    expect(err?.message).toContain('"name"')
  })

  it('refuses over-long patterns', () => {
    expect(regexError('a'.repeat(MAX_REGEX_LENGTH + 1))?.message).toContain(`at most ${MAX_REGEX_LENGTH}`)
    expect(regexError('a'.repeat(MAX_REGEX_LENGTH))).toBeUndefined()
  })

  it('does not hang on the classic catastrophic input once refused patterns are out', () => {
    const selector = parseSelector({ name: { $regex: '^(a|b)*c$' } })
    const started = performance.now()
    expect(matches(selector, { name: 'a'.repeat(5000) + 'd' })).toBe(false)
    expect(performance.now() - started).toBeLessThan(1000)
  })
})
