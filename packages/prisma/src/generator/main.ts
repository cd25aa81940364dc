#!/usr/bin/env node
// The garner-prisma generator: `prisma generate` runs it (a `generator garner { provider =
// "garner-prisma" }` block) and it writes schema.js and schema.d.ts to the block's `output`.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import helper from '@prisma/generator-helper'
import { renderSchema } from './render.js'
import { schemaFromDmmf } from './schema-from-dmmf.js'

helper.generatorHandler({
  onManifest: () => ({ prettyName: 'Garner schema', requiresGenerators: [] }),
  async onGenerate(options) {
    const output = options.generator.output?.value
    if (output === undefined || output === null) {
      throw new Error('The garner generator needs an `output` directory in its generator block.')
    }
    const provider = options.datasources[0]?.activeProvider ?? 'unknown'
    const files = renderSchema(schemaFromDmmf(options.dmmf.datamodel.models, provider))
    await mkdir(output, { recursive: true })
    for (const [name, text] of Object.entries(files)) await writeFile(join(output, name), text)
  },
})
