// Section 4: HTTP. Each framework's server runs in its own child process (http-server.ts) and
// autocannon loads it from this process, with the same connections and duration for every arm.
// Arms are interleaved round by round; each figure is the median over rounds.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { endChild, firstMessage, forkModule } from './children.js'
import { FRAMEWORKS, type Framework, isServerReady, PATHS, PEER_NAME } from './http-routes.js'
import { median, medianRatio } from './measure.js'

export interface HttpOptions {
  readonly connections: number
  /** Seconds per arm per round. */
  readonly seconds: number
  readonly rounds: number
  /** Seconds per arm of the untimed warm-up. */
  readonly warmupSeconds: number
}

export type HttpArmKind =
  | 'constant'
  | 'constant-headers'
  | 'identity-only'
  | 'prisma'
  | 'garner-200'
  | 'garner-304'
  | 'peer-200'
  | 'peer-304'

export interface HttpArm {
  readonly framework: Framework
  readonly kind: HttpArmKind
  readonly name: string
  readonly path: string
  /** Sent with every request: the stored ETag for the 304 arms. */
  readonly headers: Readonly<Record<string, string>>
  readonly expectStatus: 200 | 304
}

export interface HttpSample {
  readonly requestsPerSecond: number
  readonly p99Ms: number
  /** Responses with another status than expected, plus errors and timeouts. */
  readonly unexpected: number
  readonly responses: number
}

export interface HttpFigures {
  readonly arm: HttpArm
  readonly requestsPerSecond: number
  readonly p99Ms: number
  readonly unexpected: number
  /** True when some round got no response at all (the arm measured nothing). */
  readonly silent: boolean
  readonly samples: readonly HttpSample[]
  /** Median per-round ratio to the framework's constant route. */
  readonly vsConstant: number
  /** Median per-round ratio to the framework's uncached Prisma route. */
  readonly vsPrisma: number
  /** Median per-round ratio to the peer answering with the same status (200 or 304). */
  readonly vsPeer: number
}

export interface HttpResult {
  readonly options: HttpOptions
  readonly bodyBytes: number
  readonly figures: readonly HttpFigures[]
}

/** Runs the whole HTTP section; the servers and the temporary databases are gone afterwards. */
export async function runHttp(options: HttpOptions): Promise<HttpResult> {
  const dir = await mkdtemp(join(tmpdir(), 'garner-bench-'))
  const children: ReturnType<typeof forkModule>[] = []
  try {
    const arms: HttpArm[] = []
    let bodyBytes = 0
    for (const framework of FRAMEWORKS) {
      const server = await startServer(framework, dir)
      children.push(server.child)
      bodyBytes = server.bodyBytes
      arms.push(...(await armsOf(framework, server.origin)))
    }
    for (const arm of arms) await load(arm, options.connections, options.warmupSeconds)
    const samples = new Map<HttpArm, HttpSample[]>(arms.map((arm) => [arm, []]))
    for (let round = 0; round < options.rounds; round++) {
      const order = arms.map((_, index) => arms[(index + round) % arms.length]!)
      if (round % 2 === 1) order.reverse()
      for (const arm of order)
        samples.get(arm)!.push(await load(arm, options.connections, options.seconds))
    }
    return { options, bodyBytes, figures: arms.map((arm) => figuresOf(arm, arms, samples)) }
  } finally {
    await Promise.allSettled(children.map(endChild))
    await rm(dir, { recursive: true, force: true })
  }
}

/** A running server child. */
export interface RunningServer {
  readonly child: ReturnType<typeof forkModule>
  readonly origin: string
  readonly bodyBytes: number
}

/** Starts one framework's server in a child process, with its SQLite file in `dir`. */
export async function startServer(
  framework: Framework,
  dir: string,
  extraArgv: readonly string[] = [],
  redisUrl?: string,
): Promise<RunningServer> {
  const file = join(dir, `${framework}${redisUrl === undefined ? '' : '-near'}.db`)
  const child = forkModule(
    new URL('./http-server.ts', import.meta.url),
    redisUrl === undefined ? [framework, file] : [framework, file, redisUrl],
    extraArgv,
  )
  const ready = await firstMessage(child, isServerReady)
  return { child, origin: `http://127.0.0.1:${ready.port}`, bodyBytes: ready.bodyBytes }
}

/** The arms of one server; fills the caches and learns the ETags the 304 arms send. */
export async function armsOf(framework: Framework, origin: string): Promise<HttpArm[]> {
  const peer = PEER_NAME[framework]
  const arm = (
    kind: HttpArmKind,
    name: string,
    path: string,
    expectStatus: 200 | 304 = 200,
    headers: Record<string, string> = {},
  ): HttpArm => ({ framework, kind, name, path: origin + path, headers, expectStatus })
  const garnerTag = await etagOf(origin + PATHS.garner)
  const peerTag = await etagOf(origin + PATHS.peer)
  const arms = [
    arm('constant', 'constant JSON (limit)', PATHS.constant),
    arm('constant-headers', 'constant + 5 validator headers', PATHS.constantHeaders),
    arm('identity-only', 'Garner middleware + constant + 5 headers', PATHS.identityOnly),
    arm('prisma', 'Prisma, no cache', PATHS.prisma),
    arm('garner-200', 'Garner cacheOr304, 200 hit', PATHS.garner),
    arm('garner-304', 'Garner cacheOr304, 304', PATHS.garner, 304, { 'if-none-match': garnerTag }),
    arm('peer-200', `${peer}, 200`, PATHS.peer),
    arm('peer-304', `${peer}, 304`, PATHS.peer, 304, { 'if-none-match': peerTag }),
  ]
  // Every arm must answer what it is meant to measure before it is measured.
  for (const { path, headers, expectStatus, name } of arms) {
    const response = await fetch(path, { headers })
    await response.arrayBuffer()
    if (response.status !== expectStatus) {
      throw new Error(`${framework} ${name}: expected ${expectStatus}, got ${response.status}`)
    }
  }
  return arms
}

/** GETs `url` twice (the first fills the cache) and returns the ETag of the second answer. */
async function etagOf(url: string): Promise<string> {
  await (await fetch(url)).arrayBuffer()
  const response = await fetch(url)
  await response.arrayBuffer()
  const tag = response.headers.get('etag')
  if (tag === null) throw new Error(`${url} sent no ETag`)
  return tag
}

/** What autocannon needs to load an arm. */
export type Loadable = Pick<HttpArm, 'path' | 'headers' | 'expectStatus'>

/** Loads one arm with autocannon for `seconds`. */
export async function load(
  arm: Loadable,
  connections: number,
  seconds: number,
): Promise<HttpSample> {
  const result = await autocannon({
    url: arm.path,
    connections,
    duration: seconds,
    headers: { ...arm.headers },
  })
  const expected = arm.expectStatus === 200 ? result['2xx'] : result['3xx']
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p99Ms: result.latency.p99,
    unexpected: result.requests.total - expected + result.errors + result.timeouts,
    responses: result.requests.total,
  }
}

function figuresOf(
  arm: HttpArm,
  arms: readonly HttpArm[],
  samples: ReadonlyMap<HttpArm, readonly HttpSample[]>,
): HttpFigures {
  const own = samples.get(arm)!
  const rates = (of: HttpArm): number[] =>
    samples.get(of)!.map((sample) => sample.requestsPerSecond)
  const sibling = (kind: HttpArmKind): HttpArm =>
    arms.find((candidate) => candidate.framework === arm.framework && candidate.kind === kind)!
  return {
    arm,
    requestsPerSecond: median(rates(arm)),
    p99Ms: median(own.map((sample) => sample.p99Ms)),
    unexpected: own.reduce((sum, sample) => sum + sample.unexpected, 0),
    silent: own.some((sample) => sample.responses === 0),
    samples: own,
    vsConstant: medianRatio(rates(arm), rates(sibling('constant'))),
    vsPrisma: medianRatio(rates(arm), rates(sibling('prisma'))),
    vsPeer: medianRatio(
      rates(arm),
      rates(sibling(arm.expectStatus === 304 ? 'peer-304' : 'peer-200')),
    ),
  }
}

/** The figures of one arm. */
export function httpFigures(
  result: HttpResult,
  framework: Framework,
  kind: HttpArmKind,
): HttpFigures {
  const found = result.figures.find(
    (figures) => figures.arm.framework === framework && figures.arm.kind === kind,
  )
  if (found === undefined) throw new Error(`no HTTP arm ${framework} ${kind}`)
  return found
}

/** Median per-round ratio between two arms of one framework. */
export function httpRatio(
  result: HttpResult,
  framework: Framework,
  numerator: HttpArmKind,
  denominator: HttpArmKind,
): number {
  const rates = (kind: HttpArmKind): number[] =>
    httpFigures(result, framework, kind).samples.map((sample) => sample.requestsPerSecond)
  return medianRatio(rates(numerator), rates(denominator))
}
