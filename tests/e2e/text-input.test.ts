import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listingBody, PASSWORD, startTestApi, type TestApi } from './support/api.js'

/*
 * Issue 15 item 5 over HTTP: NUL, CR/LF, ESC and U+202E were stored in names and e-mails. Now any
 * text field holding a control or bidi-override character is refused with 400 and its field path;
 * multi-line free text keeps its line breaks.
 */
describe('control and bidi-override characters are refused with 400 and the field path', () => {
  let api: TestApi
  beforeAll(async () => {
    api = await startTestApi()
  })
  afterAll(() => api.close())

  const paths = (r: { json: { errors?: { path: string }[] } }) => r.json.errors?.map((e) => e.path)

  it('registration: a name or e-mail with NUL, CR/LF, ESC or U+202E is refused', async () => {
    for (const [field, value] of [
      ['name', 'Eve\u0000'],
      ['name', 'Eve\r\nAdmin'],
      ['name', 'Eve\u001b[31m'],
      ['name', 'Eve\u202Etxt.exe'],
      ['email', 'eve\u0000@innkeeper.example'],
      ['email', 'eve\u202E@innkeeper.example'],
    ] as const) {
      const body = { email: 'eve-text@innkeeper.example', password: PASSWORD, name: 'Eve', [field]: value }
      const r = await api.request('POST', '/api/v1/auth/register', { body })
      expect([field, JSON.stringify(value), r.status, paths(r)]).toEqual([
        field,
        JSON.stringify(value),
        400,
        [field],
      ])
    }
    const ok = await api.request('POST', '/api/v1/auth/register', {
      body: { email: 'eve-text@innkeeper.example', password: PASSWORD, name: 'Ève Ñoño 李' },
    })
    expect(ok.status, ok.text).toBe(201)
  })

  it('listings: a title with a line break or U+2066 is refused; a description keeps its line breaks', async () => {
    const host = await api.account('text-host', ['guest', 'host'])
    for (const [over, path] of [
      [{ title: 'Flat\nwith a view' }, 'title'],
      [{ title: 'Flat \u2066hidden\u2069' }, 'title'],
      [{ description: 'Nice.\u0007' }, 'description'],
      [{ house_rules: ['No parties\u202E'] }, 'house_rules.0'],
      [{ photos: [{ url: 'https://img.example/a.jpg', caption: 'Kitchen\u0085' }] }, 'photos.0.caption'],
    ] as const) {
      const r = await api.request('POST', '/api/v1/listings', { token: host.token, body: listingBody(over) })
      expect([path, r.status, paths(r)]).toEqual([path, 400, [path]])
    }
    const ok = await api.request('POST', '/api/v1/listings', {
      token: host.token,
      body: listingBody({ description: 'Two rooms.\n\tA balcony.\nQuiet street.' }),
    })
    expect(ok.status, ok.text).toBe(201)
    expect(ok.json.description).toBe('Two rooms.\n\tA balcony.\nQuiet street.')
  })

  it('every response matched the OpenAPI document', () => {
    expect(api.violations).toEqual([])
  })
})
