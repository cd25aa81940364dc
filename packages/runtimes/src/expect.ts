// vitest's `expect`, assembled the way vitest assembles it (chai with @vitest/expect's Jest-style
// matchers), without vitest's runner, so that it runs on any JavaScript runtime.
import {
  chai,
  type ExpectStatic,
  GLOBAL_EXPECT,
  getState,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  setState,
} from '@vitest/expect'

chai.use(JestExtend)
chai.use(JestChaiExpect)
chai.use(JestAsymmetricMatchers)

function createExpect(): ExpectStatic {
  const expect = ((value: unknown, message?: string) => {
    const { assertionCalls } = getState(expect)
    setState({ assertionCalls: assertionCalls + 1 }, expect)
    return chai.expect(value, message)
  }) as ExpectStatic
  Object.assign(expect, chai.expect)
  expect.getState = () => getState(expect)
  expect.setState = (state) => setState(state, expect)
  setState(
    {
      assertionCalls: 0,
      isExpectingAssertions: false,
      isExpectingAssertionsError: null,
      expectedAssertionsNumber: null,
      expectedAssertionsNumberErrorGen: null,
    },
    expect,
  )
  return expect
}

export const expect: ExpectStatic = createExpect()
// Where vitest keeps its expect: matchers that read the global state find this one.
Object.defineProperty(globalThis, GLOBAL_EXPECT, {
  value: expect,
  writable: true,
  configurable: true,
})
