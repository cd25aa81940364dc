// The shared HTTP conformance suite on Express 5 over a real six-node Redis Cluster (the cluster
// project: it starts its own cluster).
import { CLUSTER_TARGETS } from '@garner/fixtures'
import { describeHttpConformance } from '@garner/testing'
import express from 'express'
import { mountOn } from './testing/mount.js'

describeHttpConformance('Express 5', mountOn(express), CLUSTER_TARGETS)
