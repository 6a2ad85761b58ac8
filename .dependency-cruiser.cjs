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
 * Each layer is one folder of src/.
 */
const LAYERS = {
  commands: ['^src/commands/'],
  cli: ['^src/cli/'],
  app: ['^src/app/'],
  views: ['^src/views/'],
  domain: ['^src/domain/'],
  config: ['^src/config/'],
  octopus: ['^src/octopus/'],
  ui: ['^src/ui/'],
  text: ['^src/text/'],
  sandbox: ['^src/sandbox/'],
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

const LAYER_NAMES = Object.keys(LAYERS)
const alternation = (patterns) => `(${patterns.join('|')})`
/** A layer's files: matched by its patterns and by no earlier layer's (LAYERS is in precedence order). */
function layerFiles(name) {
  const earlier = LAYER_NAMES.slice(0, LAYER_NAMES.indexOf(name)).flatMap((n) => LAYERS[n])
  return earlier.length ? {path: alternation(LAYERS[name]), pathNot: alternation(earlier)} : {path: alternation(LAYERS[name])}
}

const layerRules = LAYER_NAMES.flatMap((name) => {
  const allowed = [name, ...ALLOWED[name]]
  const typesOnly = (TYPES_ALLOWED[name] ?? []).filter((n) => !allowed.includes(n))
  const forbidden = LAYER_NAMES.filter((n) => !allowed.includes(n) && !typesOnly.includes(n))
  const rules = []
  for (const target of forbidden) {
    rules.push({
      name: `${name}-not-to-${target}`,
      comment: `${name} may import only ${[...ALLOWED[name]].join(', ') || 'nothing of ours'} (docs/ARCHITECTURE.md §1).`,
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
      from: {path: '^src/(domain/estate/|app/estate/|app/builtin-worker\\.ts$)'},
      to: {path: '^src/domain/policy/'},
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
