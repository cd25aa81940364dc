import { describe, expect, it } from 'vitest'
import { splitRequestTarget } from './request-target.js'

describe('splitRequestTarget', () => {
  it('splits origin-form targets and absolute URLs the same way, raw', () => {
    for (const prefix of ['', 'http://example.com', 'https://h:8080']) {
      expect(splitRequestTarget(`${prefix}/a/b%20c?x=1&y=%2F`)).toEqual({
        path: '/a/b%20c',
        query: 'x=1&y=%2F',
      })
      expect(splitRequestTarget(`${prefix}/a?q#frag`)).toEqual({ path: '/a', query: 'q' })
      expect(splitRequestTarget(`${prefix}/a#frag?not-query`)).toEqual({ path: '/a', query: '' })
      expect(splitRequestTarget(`${prefix}/`)).toEqual({ path: '/', query: '' })
    }
  })

  it('reads an absolute URL without a path as /', () => {
    expect(splitRequestTarget('http://example.com')).toEqual({ path: '/', query: '' })
    expect(splitRequestTarget('http://example.com?x=1')).toEqual({ path: '/', query: 'x=1' })
  })
})

describe('splitRequestTarget at the edges', () => {
  it('reads a target made of a query, a fragment or an authority alone as the root path', () => {
    expect(splitRequestTarget('?x=1')).toEqual({ path: '/', query: 'x=1' })
    expect(splitRequestTarget('#top')).toEqual({ path: '/', query: '' })
    expect(splitRequestTarget('://example.com/a?x=1')).toEqual({ path: '/a', query: 'x=1' })
  })
})
