// Every process the bench starts (HTTP servers, the memory probe, redis-server), so that all of
// them end with the bench: on success, on a thrown error, on Ctrl-C, and on process exit.
import { type ChildProcess, fork } from 'node:child_process'

/** Something to stop: a child process or a server started by a helper. */
interface Stoppable {
  /** Ends it gracefully, waiting for it. */
  stop(): Promise<void>
  /** Ends it at once, synchronously (the process is exiting). */
  killNow(): void
}

const live = new Set<Stoppable>()

/** Registers something to stop; returns the function that unregisters it. */
export function track(stoppable: Stoppable): () => void {
  live.add(stoppable)
  return () => live.delete(stoppable)
}

/** Stops everything still running, children in parallel. */
export async function stopAll(): Promise<void> {
  const pending = [...live]
  live.clear()
  await Promise.allSettled(pending.map((stoppable) => stoppable.stop()))
}

process.on('exit', () => {
  for (const stoppable of live) stoppable.killNow()
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAll().finally(() => process.exit(130))
  })
}

/**
 * Forks a TypeScript module of this package as a child process. The child inherits this
 * process's `execArgv` (tsx's loader and `--conditions=@garner/source`), plus `extraArgv`.
 */
export function forkModule(
  module: URL,
  args: readonly string[],
  extraArgv: readonly string[] = [],
): ChildProcess {
  const child = fork(module, [...args], {
    execArgv: [...process.execArgv, ...extraArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const untrack = track({
    stop: () => endChild(child),
    killNow: () => {
      child.kill('SIGKILL')
    },
  })
  child.once('exit', untrack)
  return child
}

/** Ends a child: SIGTERM, then SIGKILL if it has not exited within two seconds. */
export function endChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 2_000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** The first IPC message of a child that satisfies `accept`, or its failure to start. */
export function firstMessage<T>(
  child: ChildProcess,
  accept: (message: unknown) => message is T,
  timeoutMs = 60_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`child ${child.pid} sent no message within ${timeoutMs} ms`))
    }, timeoutMs)
    const onMessage = (message: unknown): void => {
      if (!accept(message)) return
      cleanup()
      resolve(message)
    }
    const onExit = (code: number | null): void => {
      cleanup()
      reject(new Error(`child ${child.pid} exited (code ${code}) before it was ready`))
    }
    const cleanup = (): void => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.once('exit', onExit)
  })
}
