// Express 4, installed under the alias `express4` so the conformance suite runs on it too. It is
// typed with Express 5's types, which cover the little the tests use.
declare module 'express4' {
  import express from 'express'
  export default express
}
