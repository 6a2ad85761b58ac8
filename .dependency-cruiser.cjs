/**
 * The direction rule of docs/ARCHITECTURE.md §1, checked by `npm run lint` (dependency-cruiser).
 *
 * The target layout names ten layers; each may import only the layers below it:
 *
 *   commands -> cli, app, views (and what those may import), sandbox (`sandbox start` runs it)
 *   cli      -> app, views, and below: base commands, printing, exit codes, help, hooks
 *   app      -> domain, octopus, config, text          one use case per verb, no text for people
 *   views    -> domain, ui, text                       result -> lines, table, CSV, JUnit, SARIF
 *   domain   -> text                                   pure rules and facts
 *   config   -> domain, octopus (server URLs), text    profiles, credentials, .octoworkers.yaml
 *   octopus  -> text                                   the API client only
 *   ui       -> text                                   tables, CSV, escaping, colour, prompts
 *   text     -> nothing                                dependency-free helpers
 *   sandbox  -> text                                   the peer server: never the client, nor the client it
 *
 * Types only, never values: views may import the wire types (octopus), the results (app) and the
 * settings' schema (config); domain the wire types and the settings' schema.
 * Nothing imports commands; only commands import cli; octopus and sandbox never import each other;
 * only cli and commands import @oclif/core. No import cycle, type-only imports included.
 *
 * LAYERS maps today's folders onto those layers. When the tree moves to src/cli, src/app,
 * src/views, src/domain, src/octopus, src/config, src/ui, src/text, each layer's list becomes
 * its one folder and ALLOWED_TODAY goes; the rules below do not change.
 */
const LAYERS = {
  commands: ['^src/commands/'],
  cli: [
    '^src/cli/',
    '^src/(base-command|server-command|help)\\.ts$',
    '^src/command-bases/',
    '^src/hooks/',
    // Turns oclif's parse failures into our one-line errors (oclif-free, so unit-testable).
    '^src/lib/parse-errors\\.ts$',
    // The compile cache bin/run.js starts before anything else loads.
    '^src/lib/startup/',
  ],
  views: [
    '^src/lib/render/(check|leases)/',
    '^src/lib/render/(bulk|help-text|time)\\.ts$',
  ],
  ui: ['^src/ui/', '^src/lib/render/'],
  domain: [
    '^src/domain/',
    '^src/lib/estate/(facts|types|builtin)\\.ts$',
    // Facts about workers' endpoints: the endpoint vocabulary (Listening, Polling...), Kubernetes
    // agent upgrades.
    '^src/lib/workers/(present|kubernetes-agent|upgrade-eligibility)\\.ts$',
    // The check rules: pure functions over a snapshot.
    '^src/lib/policy/(rules/|engine\\.ts$|glob\\.ts$|types\\.ts$|convention\\.ts$|source\\.ts$)',
    // Which pool each step runs on: pure resolution over what was read.
    '^src/lib/usage/(types|scope|runs-on-worker|resolve)\\.ts$',
    '^src/lib/bulk\\.ts$',
  ],
  config: [
    '^src/lib/auth/(connection|key-storage|keychain|paths|profiles)\\.ts$',
    // .octoworkers.yaml: its schema, loader and starter file.
    '^src/lib/policy/(config|config-schema|starter)\\.ts$',
    '^src/lib/(cache-dir|private-file|yaml-checks)\\.ts$',
  ],
  octopus: ['^src/lib/octopus/'],
  text: [
    '^src/text/',
    '^src/lib/(errors|order|concurrency)\\.ts$',
    // Duration parse and format.
    '^src/lib/leases/time\\.ts$',
  ],
  sandbox: ['^src/sandbox/'],
  // Whatever else is under src/lib: the verbs' use cases.
  app: ['^src/lib/'],
}

/** What each layer may import besides itself (values and types). */
const ALLOWED = {
  commands: ['cli', 'app', 'views', 'domain', 'config', 'octopus', 'ui', 'text', 'sandbox'],
  cli: ['app', 'views', 'domain', 'config', 'octopus', 'ui', 'text'],
  app: ['domain', 'config', 'octopus', 'text'],
  views: ['domain', 'ui', 'text'],
  domain: ['text'],
  config: ['domain', 'octopus', 'text'],
  octopus: ['text'],
  ui: ['text'],
  text: [],
  sandbox: ['text'],
}

/** Layers whose types (never values) a layer may import: wire types are shared vocabulary. */
const TYPES_ALLOWED = {
  views: ['octopus', 'app', 'config'],
  domain: ['octopus', 'config'],
}

/**
 * Today only: the verbs' folders under src/lib still hold their own formatters (pools/render.ts,
 * maintenance/render.ts, usage/report.ts...), so app reaches views and ui. This goes when those
 * formatters move to src/views.
 */
const ALLOWED_TODAY = {
  app: ['views', 'ui'],
}

const LAYER_NAMES = Object.keys(LAYERS)
const alternation = (patterns) => `(${patterns.join('|')})`
/** A layer's files: matched by its patterns and by no earlier layer's (LAYERS is in precedence order). */
function layerFiles(name) {
  const earlier = LAYER_NAMES.slice(0, LAYER_NAMES.indexOf(name)).flatMap((n) => LAYERS[n])
  return earlier.length ? {path: alternation(LAYERS[name]), pathNot: alternation(earlier)} : {path: alternation(LAYERS[name])}
}

const layerRules = LAYER_NAMES.flatMap((name) => {
  const allowed = [name, ...ALLOWED[name], ...(ALLOWED_TODAY[name] ?? [])]
  const typesOnly = (TYPES_ALLOWED[name] ?? []).filter((n) => !allowed.includes(n))
  const forbidden = LAYER_NAMES.filter((n) => !allowed.includes(n) && !typesOnly.includes(n))
  const rules = []
  for (const target of forbidden) {
    rules.push({
      name: `${name}-not-to-${target}`,
      comment: `${name} may import only ${[...ALLOWED[name], ...(ALLOWED_TODAY[name] ?? [])].join(', ') || 'nothing of ours'} (docs/ARCHITECTURE.md §1).`,
      severity: 'error',
      from: layerFiles(name),
      to: layerFiles(target),
    })
  }
  for (const target of typesOnly) {
    rules.push({
      name: `${name}-not-to-${target}-values`,
      comment: `${name} may import ${target}'s types, never its values: ${name} reads no server and runs no use case.`,
      severity: 'error',
      from: layerFiles(name),
      to: {...layerFiles(target), dependencyTypesNot: ['type-only']},
    })
  }
  return rules
})

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'oclif-only-in-cli-and-commands',
      comment: 'Only the CLI layer and the commands know oclif; everything else is a plain library, unit-testable without it.',
      severity: 'error',
      from: {path: '^src/', pathNot: alternation([...LAYERS.commands, ...LAYERS.cli])},
      to: {path: '(^|/)node_modules/@oclif/'},
    },
    {
      name: 'estate-and-builtin-not-on-policy',
      comment: 'The estate read model sits below the check rules; builtin-worker shares the read model, not the rules.',
      severity: 'error',
      from: {path: '^src/lib/(estate|builtin)/'},
      to: {path: '^src/lib/policy/'},
    },
    {
      name: 'no-circular',
      comment: 'No import cycle, type-only imports included: a cycle means two modules are one concern or a layer is inverted.',
      severity: 'error',
      from: {path: '^src/'},
      to: {circular: true},
    },
  ],
  options: {
    doNotFollow: {path: 'node_modules'},
    includeOnly: {path: ['^src/', 'node_modules/@oclif/']},
    tsPreCompilationDeps: true,
    tsConfig: {fileName: 'tsconfig.json'},
    enhancedResolveOptions: {exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types']},
    progress: {type: 'none'},
  },
}
