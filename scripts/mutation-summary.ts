// Prints the mutation score per file from StrykerJS JSON reports, as the Markdown table of
// docs/mutation-testing.md. Several reports (runs over different folders) are merged, a later
// report's entry for a file replacing an earlier one's.
//
//   pnpm exec tsx scripts/mutation-summary.ts [reports/mutation/mutation.json …]
//   pnpm exec tsx scripts/mutation-summary.ts --disabled    (the table of equivalent mutants)
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

interface Mutant {
  readonly status: string
}
interface Report {
  readonly files: Readonly<Record<string, { readonly mutants: readonly Mutant[] }>>
}

const CORE = 'packages/core/src'

/** Every `Stryker disable` comment in core's source: where, which mutators, and why. */
function disabledTable(): string {
  const rows = ['| where | mutators | why it is equivalent |', '| --- | --- | --- |']
  let count = 0
  const visit = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name)
      if (entry.isDirectory()) visit(path)
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        readFileSync(path, 'utf8')
          .split('\n')
          .forEach((line, index) => {
            const found = /\/\/ Stryker disable (next-line |)(\S+): (.*)$/.exec(line)
            if (found === null) return
            count += 1
            const where = `\`${relative(CORE, path)}:${index + 1}\`${found[1] === '' ? ' (a block)' : ''}`
            rows.push(`| ${where} | ${found[2]!.replaceAll(',', ', ')} | ${found[3]} |`)
          })
      }
    }
  }
  visit(CORE)
  return `${count} comments:\n\n${rows.join('\n')}`
}

if (process.argv[2] === '--disabled') {
  console.log(disabledTable())
  process.exit(0)
}

const paths = process.argv.slice(2)
const files = new Map<string, readonly Mutant[]>()
for (const path of paths.length > 0 ? paths : ['reports/mutation/mutation.json']) {
  const report = JSON.parse(readFileSync(path, 'utf8')) as Report
  for (const [file, { mutants }] of Object.entries(report.files)) files.set(file, mutants)
}

interface Counts {
  killed: number
  survived: number
  noCoverage: number
  ignored: number
}

function count(mutants: readonly Mutant[]): Counts {
  const counts: Counts = { killed: 0, survived: 0, noCoverage: 0, ignored: 0 }
  for (const { status } of mutants) {
    if (status === 'Killed' || status === 'Timeout') counts.killed += 1
    else if (status === 'Survived') counts.survived += 1
    else if (status === 'NoCoverage') counts.noCoverage += 1
    else if (status === 'Ignored') counts.ignored += 1
  }
  return counts
}

function percent(part: number, whole: number): string {
  return whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)}%`
}

function row(name: string, counts: Counts): string {
  const covered = counts.killed + counts.survived
  return `| ${name} | ${percent(counts.killed, covered)} | ${percent(counts.killed, covered + counts.noCoverage)} | ${counts.killed} | ${counts.survived} | ${counts.noCoverage} | ${counts.ignored} |`
}

const total: Counts = { killed: 0, survived: 0, noCoverage: 0, ignored: 0 }
const lines = [
  '| file | score (covered) | score (all) | killed | survived | no coverage | ignored |',
  '| --- | --- | --- | --- | --- | --- | --- |',
]
for (const file of [...files.keys()].sort()) {
  const counts = count(files.get(file)!)
  for (const key of Object.keys(total) as (keyof Counts)[]) total[key] += counts[key]
  lines.push(row(`\`${file.replace(/^.*packages\/core\/src\//, '')}\``, counts))
}
lines.push(row('**all of core**', total))
console.log(lines.join('\n'))
