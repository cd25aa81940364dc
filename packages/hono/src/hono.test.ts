// The shared HTTP conformance suite, on Hono 4 through @hono/node-server over real HTTP, on both stores.
import { STORE_TARGETS } from '@garner/fixtures'
import { describeHttpConformance } from '@garner/testing'
import { mountHono } from './testing/mount.js'

describeHttpConformance('Hono 4', mountHono, STORE_TARGETS)
