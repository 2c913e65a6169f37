import { describe, expect, it } from 'vitest'
import { apiEnvNames, unknownInnkeeperVariables } from '../../apps/api/config.js'

describe('API configuration: INNKEEPER_* variables nobody reads are refused', () => {
  it('a typo is reported with the closest known name; known and foreign variables pass', () => {
    const out = unknownInnkeeperVariables(
      { INNKEEPER_JWT_SECRETT: 'x', INNKEEPER_MODE: 'production', PATH: '/bin', INNKEEPER_ZZZZZZZZZZ: '1' },
      apiEnvNames,
    )
    expect(out).toEqual([
      'INNKEEPER_JWT_SECRETT: not a variable innkeeper reads (did you mean INNKEEPER_JWT_SECRET?)',
      'INNKEEPER_ZZZZZZZZZZ: not a variable innkeeper reads',
    ])
  })
})
