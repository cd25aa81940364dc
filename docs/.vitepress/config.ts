// The VitePress site built from docs/: guides, concepts, adapter pages, recipes and the API
// reference that TypeDoc generates into docs/api (see scripts/docs-api.ts).
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type DefaultTheme, defineConfig } from 'vitepress'

const docsDir = fileURLToPath(new URL('..', import.meta.url))
const apiDir = join(docsDir, 'api')

// TypeDoc writes one folder per entry point, named after its module (@garner/core …), with one
// sub-folder per kind of declaration.
const API_MODULES = [
  '@garner/core',
  '@garner/express',
  '@garner/fastify',
  '@garner/hono',
  '@garner/prisma',
  '@garner/testing',
  '@garner/otel',
  '@garner/cdn',
]
const KIND_TITLES: Record<string, string> = {
  functions: 'Functions',
  classes: 'Classes',
  interfaces: 'Interfaces',
  'type-aliases': 'Type aliases',
  variables: 'Constants',
}

function apiSidebar(): DefaultTheme.SidebarItem[] {
  if (!existsSync(apiDir)) return [{ text: 'Run pnpm docs:api first', link: '/api/' }]
  return API_MODULES.filter((name) => existsSync(join(apiDir, name))).map((name) => ({
    text: name,
    link: `/api/${name}/`,
    collapsed: name !== '@garner/core',
    items: Object.entries(KIND_TITLES)
      .filter(([kind]) => existsSync(join(apiDir, name, kind)))
      .map(([kind, title]) => ({
        text: title,
        collapsed: true,
        items: readdirSync(join(apiDir, name, kind))
          .filter((file) => file.endsWith('.md'))
          .sort()
          .map((file) => ({
            text: file.slice(0, -'.md'.length),
            link: `/api/${name}/${kind}/${file.slice(0, -'.md'.length)}`,
          })),
      })),
  }))
}

const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#3c8772"/><text x="16" y="23" font-family="sans-serif" font-size="20" font-weight="700" text-anchor="middle" fill="#fff">G</text></svg>',
)}`

const guideSidebar: DefaultTheme.SidebarItem[] = [
  {
    text: 'Guide',
    items: [
      { text: 'Getting started', link: '/guide/getting-started' },
      { text: 'Deploying on many processes', link: '/guide/many-processes' },
      { text: 'Runtimes: Node, Bun, Deno, Workers', link: '/runtimes' },
      { text: 'Coming from Ruby Garner', link: '/coming-from-ruby' },
    ],
  },
  {
    text: 'Concepts',
    items: [
      { text: 'Identity', link: '/concepts/identity' },
      { text: 'Keys and key strategies', link: '/concepts/keys' },
      { text: 'Bindings and invalidation', link: '/concepts/bindings' },
      { text: 'ETags and 304', link: '/concepts/etags' },
      { text: 'Freshness', link: '/concepts/freshness' },
      { text: 'Stores', link: '/concepts/stores' },
      { text: 'Events', link: '/concepts/events' },
    ],
  },
  {
    text: 'Packages',
    items: [
      { text: '@garner/core reference', link: '/core' },
      { text: '@garner/express', link: '/express' },
      { text: '@garner/fastify', link: '/fastify' },
      { text: '@garner/hono', link: '/hono' },
      { text: '@garner/prisma', link: '/prisma' },
      { text: '@garner/testing', link: '/testing' },
      { text: '@garner/otel: observability', link: '/observability' },
      { text: '@garner/cdn', link: '/cdn' },
      { text: 'API reference', link: '/api/' },
    ],
  },
  {
    text: 'Recipes',
    items: [
      { text: 'Per-user and per-role keys', link: '/recipes/per-user-and-role-keys' },
      { text: 'Several processes with Redis', link: '/recipes/multi-process-redis' },
      { text: 'A custom key strategy', link: '/recipes/custom-key-strategy' },
      { text: 'A custom ETag strategy', link: '/recipes/custom-etag-strategy' },
      { text: 'Metrics from events', link: '/recipes/metrics-from-events' },
    ],
  },
  {
    text: 'Operations',
    items: [
      { text: 'Behind a CDN', link: '/behind-a-cdn' },
      { text: 'Architecture', link: '/architecture' },
      { text: 'Redis Cluster and failover', link: '/redis-cluster' },
      { text: 'Security', link: '/security' },
      { text: 'Benchmarks', link: '/benchmarks' },
      { text: 'Mutation testing', link: '/mutation-testing' },
    ],
  },
]

export default defineConfig({
  title: 'Garner for TypeScript',
  description:
    'A cache for REST APIs and async functions: canonical keys, bindings with hierarchical invalidation, ETags and 304s.',
  lang: 'en-US',
  cleanUrls: false,
  lastUpdated: false,
  // A link to a page that does not exist fails the build.
  ignoreDeadLinks: false,
  head: [
    ['meta', { name: 'theme-color', content: '#3c8772' }],
    // An inline icon: browsers ask for /favicon.ico otherwise, and a 404 is a console error.
    ['link', { rel: 'icon', type: 'image/svg+xml', href: FAVICON }],
  ],
  markdown: {
    theme: { light: 'github-light', dark: 'github-dark' },
  },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started', activeMatch: '^/(guide|concepts)/' },
      {
        text: 'Packages',
        items: [
          { text: '@garner/core', link: '/core' },
          { text: '@garner/express', link: '/express' },
          { text: '@garner/fastify', link: '/fastify' },
          { text: '@garner/hono', link: '/hono' },
          { text: '@garner/prisma', link: '/prisma' },
          { text: '@garner/testing', link: '/testing' },
          { text: '@garner/otel', link: '/observability' },
          { text: '@garner/cdn', link: '/cdn' },
        ],
      },
      { text: 'Recipes', link: '/recipes/per-user-and-role-keys', activeMatch: '^/recipes/' },
      { text: 'API', link: '/api/', activeMatch: '^/api/' },
    ],
    sidebar: {
      '/api/': [
        { text: 'Back to the guide', link: '/guide/getting-started' },
        { text: 'API reference', link: '/api/' },
        ...apiSidebar(),
      ],
      '/': guideSidebar,
    },
    outline: { level: [2, 3] },
    search: { provider: 'local' },
    footer: {
      message: 'MIT License',
      copyright: 'Copyright (c) 2026 The Garner for TypeScript authors',
    },
  },
})
