// The house rule (ARCHITECTURE.md): one concept per top folder, one dependency direction.
// Each top folder of src/ has a rank; a module may import its own folder and folders of lower rank only.
// A strict order forbids every cycle between folders. Transports (server, cli, agent) sit on top; only
// the CLI may start the server or the agent, and nothing else imports any of them.
const LAYERS = [
  ['core'],
  // the one outbound-call policy (SSRF deny list, allow list, pinning, timeouts): core and npm only
  ['egress'],
  // engines: pure-ish building blocks, no service DB
  ['version'],
  ['source'],
  ['catalog'],
  ['vulndb'],
  ['feeds'],
  ['match'],
  ['risk'],
  ['network'],
  ['checks'],
  // the service DB: schema, migrations, Kysely context
  ['store'],
  // domain
  ['events'],
  ['findings'],
  ['accounts'],
  ['resources'],
  ['reports'],
  ['assessments'],
  // application services
  ['scan'],
  ['jobs'],
  // transports
  ['server'],
  ['agent'],
  ['cli'],
];
const rank = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i])));
const all = [...rank.keys()];
const TRANSPORTS = ['server', 'agent', 'cli'];

const upward = all
  .map((folder) => {
    const higher = all.filter((other) => rank.get(other) > rank.get(folder));
    return {
      name: `no-upward-from-${folder}`,
      comment: `src/${folder} may only import folders below it in the house order (ARCHITECTURE.md)`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: `^src/(${higher.join('|')})/` },
    };
  })
  .filter((r) => r.to.path !== '^src/()/');

export default {
  forbidden: [
    ...upward,
    {
      name: 'transports-only-from-transports',
      comment: 'the HTTP server, the CLI and the agent are imported by nothing outside them (bench aside)',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(${TRANSPORTS.join('|')})/` },
      to: { path: `^src/(${TRANSPORTS.join('|')})/` },
    },
    {
      name: 'server-not-cli',
      comment: 'the server never imports the CLI (the CLI starts the server, not the other way round)',
      severity: 'error',
      from: { path: '^src/(server|agent)/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'transport-libraries-in-transports',
      comment:
        'HTTP (Fastify, TypeBox) and CLI (commander, progress bars) libraries belong to the transports',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(${TRANSPORTS.join('|')})/` },
      to: { path: 'node_modules/(fastify|@fastify/[^/]+|@sinclair/typebox|commander|cli-progress)/' },
    },
    {
      name: 'no-unknown-top-folder',
      comment: 'every top folder of src/ has a place in the house order: add new ones to LAYERS',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: `^src/(${all.join('|')})/` },
    },
    {
      name: 'no-circular',
      comment: 'no module cycles either',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-test',
      comment: 'product code never imports test code',
      severity: 'error',
      from: { path: '^(src|bench)/', pathNot: '\\.(test|contract)\\.ts$|/testing/' },
      to: { path: '^test/|\\.test\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)testdata/|^dist/|^web/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
