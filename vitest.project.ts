// The settings every vitest project of the workspace shares, in one place: workspace packages
// run from their TypeScript sources through the `@garner/source` export condition. Vite must
// resolve with it (client and SSR) and inline @garner/* instead of handing them to Node, which
// does not know the condition and would load the built dist/.
import { defineProject, type UserWorkspaceConfig } from 'vitest/config'

type ProjectTest = NonNullable<UserWorkspaceConfig['test']> & { name: string; include: string[] }

export function garnerProject(test: ProjectTest): UserWorkspaceConfig {
  return defineProject({
    resolve: { conditions: ['@garner/source'] },
    ssr: { resolve: { conditions: ['@garner/source'] } },
    test: {
      testTimeout: 20_000,
      hookTimeout: 60_000,
      ...test,
      server: { deps: { inline: [/@garner\//] } },
    },
  })
}
