// The shared HTTP conformance suite on Hono 4 over a real six-node Redis Cluster (the cluster
// project: it starts its own cluster).
import { CLUSTER_TARGETS } from '@garner/fixtures'
import { describeHttpConformance } from '@garner/testing'
import { mountHono } from './testing/mount.js'

describeHttpConformance('Hono 4', mountHono, CLUSTER_TARGETS)
