// `pnpm --filter garner-bench bench:cluster`: Garner's hit on a local six-node Redis Cluster
// against raw `keyv.get` on the same cluster, and against a single Redis node; latency (one call
// at a time) and throughput (100 in flight), as ratios from one run. Writes its section of
// docs/benchmarks.md (between the cluster markers, which `pnpm bench` keeps).
import { readFile, writeFile } from 'node:fs/promises'
import { createGarner, type Garner } from '@garner/core'
import { startRedisCluster, startRedisServer } from '@garner/fixtures'
import KeyvRedis, { createCluster, createKeyv } from '@keyv/redis'
import { Keyv } from 'keyv'
import { type Arm, keyOf, prime } from './arms.js'
import { CLUSTER_END, CLUSTER_START, withClusterSection } from './cluster-section.js'
import { type Comparison, compare } from './compare.js'
import { VALUE } from './fixture.js'
import { describeMachine } from './machine.js'

const REPORT = new URL('../../docs/benchmarks.md', import.meta.url)
const IN_FLIGHT = 100
const ROUNDS = 5
const THREE_BINDINGS = (worker: number) =>
  [['User', worker], 'Post', ['Comment', worker % 7]] as const

function garnerArm(name: string, garner: Garner, bindings: 0 | 3): Arm {
  const load = async () => VALUE
  return {
    name,
    role: 'garner',
    op:
      bindings === 0
        ? (worker) => garner.fetch(keyOf(worker), load)
        : (worker) => garner.fetch(keyOf(worker), load, { bind: THREE_BINDINGS(worker) as never }),
  }
}

async function main(): Promise<void> {
  const machine = describeMachine()
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, load ${machine.loadAtStart.toFixed(2)}`,
  )
  const cluster = await startRedisCluster()
  const single = await startRedisServer()
  const client = createCluster({ rootNodes: [...cluster.rootNodes] })
  const clusterKeyv = new Keyv(new KeyvRedis(client), { useKeyPrefix: false })
  await (clusterKeyv.store as KeyvRedis<unknown>).getClient()
  const singleKeyv = createKeyv(single.url)
  try {
    for (let worker = 0; worker < IN_FLIGHT; worker++) {
      await clusterKeyv.set(keyOf(worker), VALUE)
      await singleKeyv.set(keyOf(worker), VALUE)
    }
    // The floor of any read that needs three nodes: three GETs in parallel, one per master.
    const spread: string[][] = []
    for (let worker = 0; worker < IN_FLIGHT; worker++) {
      const byMaster = new Map<number, string>()
      for (let candidate = 0; byMaster.size < 3; candidate++) {
        const key = `${keyOf(worker)}:${candidate}`
        const master = await cluster.masterOf(await cluster.slotOf(key))
        if (!byMaster.has(master)) {
          byMaster.set(master, key)
          await clusterKeyv.set(key, VALUE)
        }
      }
      spread.push([...byMaster.values()])
    }
    const onCluster = createGarner({ store: clusterKeyv, namespace: 'bench-cluster' })
    const onSingle = createGarner({ store: singleKeyv, namespace: 'bench-single' })
    const arms: Arm[] = [
      { name: 'keyv.get, cluster', role: 'limit', op: (worker) => clusterKeyv.get(keyOf(worker)) },
      {
        name: '3 × keyv.get in parallel on 3 masters, cluster',
        role: 'raw',
        op: (worker) => Promise.all(spread[worker]!.map((key) => clusterKeyv.get(key))),
      },
      garnerArm('Garner hit, 0 bindings, cluster', onCluster, 0),
      garnerArm('Garner hit, 3 bindings, cluster', onCluster, 3),
      { name: 'keyv.get, single node', role: 'raw', op: (worker) => singleKeyv.get(keyOf(worker)) },
      garnerArm('Garner hit, 3 bindings, single node', onSingle, 3),
    ]
    await prime(arms, IN_FLIGHT)
    console.log('latency (one call at a time) …')
    const latency = await compare(arms, ROUNDS, { durationMs: 1_000, slotOps: 20 })
    console.log('throughput (100 in flight) …')
    const throughput = await compare(arms, ROUNDS, {
      durationMs: 1_000,
      slotOps: 5,
      inFlight: IN_FLIGHT,
    })
    const section = report(latency, throughput, machine)
    console.log(section)
    const current = await readFile(REPORT, 'utf8')
    await writeFile(REPORT, withClusterSection(current, section))
    console.log(`wrote ${REPORT.pathname}`)
  } finally {
    await client.destroy()
    await (singleKeyv.store as KeyvRedis<unknown>).disconnect(true)
    await single.stop()
    await cluster.stop()
  }
}

function report(
  latency: Comparison,
  throughput: Comparison,
  machine: ReturnType<typeof describeMachine>,
): string {
  const rows = latency.figures.map((figures, index) => {
    const rate = throughput.figures[index]!
    return (
      `| ${figures.arm.name} | ${figures.summary.meanMicros.toFixed(0)} µs | ` +
      `${(1 / figures.vsLimit).toFixed(2)}× | ${Math.round(rate.summary.opsPerSecond).toLocaleString('en-US')}/s | ` +
      `${rate.vsLimit.toFixed(2)}× |`
    )
  })
  return [
    CLUSTER_START,
    '## Redis Cluster',
    '',
    `A local six-node Redis Cluster (three masters, three replicas, \`redis-server\` on loopback) and a`,
    `single node on the same machine (${machine.cpu}, ${machine.cores} cores, load average ${machine.loadAtStart.toFixed(1)}`,
    'at the start: seven Redis processes and the client share these cores), through `@keyv/redis`. Latency is the',
    'mean time of one call at a time; its ratio is to raw `keyv.get` on the cluster (lower is',
    `better, the goal for 3 bindings is ≤ 1.25×). Throughput runs ${IN_FLIGHT} calls in flight; its ratio`,
    `is to raw \`keyv.get\` on the cluster (higher is better). Medians of ${ROUNDS} interleaved rounds.`,
    'A Garner hit on the cluster reads the entry and body (one slot, one hash tag) and every',
    'binding token in one parallel round: one pipelined batch per node, one MGET per slot.',
    '',
    '| arm | latency | vs keyv.get (cluster) | throughput | vs keyv.get (cluster) |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    'Reproduce with `pnpm --filter garner-bench bench:cluster` (about 30 s).',
    CLUSTER_END,
  ].join('\n')
}

await main()
