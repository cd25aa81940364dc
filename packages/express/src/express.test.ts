// The shared HTTP conformance suite over real HTTP, on both stores, on Express 5 and Express 4.
import { STORE_TARGETS } from '@garner/fixtures'
import { describeHttpConformance } from '@garner/testing'
import express from 'express'
import express4 from 'express4'
import { mountOn } from './testing/mount.js'

describeHttpConformance('Express 5', mountOn(express), STORE_TARGETS)
describeHttpConformance('Express 4', mountOn(express4), STORE_TARGETS)
