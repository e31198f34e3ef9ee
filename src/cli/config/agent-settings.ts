import { UsageError } from '../../core/errors/usage-error.js';
import { AGENT_DEFAULTS, parseDuration, parseServerUrl } from '../../agent/agent-config.js';
import { checked, SWITCH, TEXT } from './setting-kinds.js';
import { row, settingTable, type SettingValues } from './setting-table.js';

/** The agent's own parsers say what is wrong; their message becomes the setting's problem. */
function problemOf(parse: () => unknown): string | undefined {
  try {
    parse();
    return undefined;
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
}

const DURATION = checked(TEXT, 'duration (90s, 30m, 1h; ≤ 7d)', (text) =>
  problemOf(() => parseDuration(text, ''))?.trim(),
);
const SERVER_URL = checked(TEXT, 'URL', (text) =>
  problemOf(() => parseServerUrl(text))?.replace(/^--server /, ''),
);
const INSTANCE_ID = checked(TEXT, 'EC2 instance id', (text) =>
  /^i-[0-9a-f]{8,32}$/.test(text)
    ? undefined
    : `expected an EC2 instance id like i-0123456789abcdef0, got "${text}"`,
);

/**
 * Every setting of `vigil agent` (and of the standalone `vigil-agent`): flag, env var, config-file key,
 * type and default. The enrollment token is a secret: the config file takes only its file form.
 */
export const AGENT_SETTINGS = settingTable({
  server: row(SERVER_URL, {
    arg: '<url>',
    required: true,
    description: 'the vigil server, e.g. https://vigil.example:8080',
  }),
  enrollToken: row(TEXT, {
    arg: '<token>',
    fileKey: false,
    secret: 'value',
    description: 'enrollment token',
    fileForm: {
      flag: '--enroll-token-file',
      env: 'VIGIL_ENROLL_TOKEN_FILE',
      fileKey: 'enroll_token_file',
      read: 'by-consumer',
    },
  }),
  forgetToken: row(SWITCH, {
    default: false,
    description: 'do not keep the token in the state dir (a revoked key then needs a new token)',
  }),
  root: row(TEXT, {
    arg: '<dir>',
    default: AGENT_DEFAULTS.root,
    description: 'inventory this mounted root filesystem instead of /',
  }),
  interval: row(DURATION, {
    arg: '<duration>',
    default: AGENT_DEFAULTS.interval,
    description: 'check-in interval until the server sets one',
  }),
  stateDir: row(TEXT, {
    arg: '<dir>',
    default: AGENT_DEFAULTS.stateDir,
    description: 'host key, token, spool (created 0700)',
  }),
  caFile: row(TEXT, { arg: '<file>', description: 'PEM CA bundle to trust for https:// (a private CA)' }),
  proxy: row(TEXT, {
    arg: '<url>',
    defaultDoc: 'HTTPS_PROXY / HTTP_PROXY, honouring NO_PROXY',
    secret: 'url-password',
    description: 'HTTP(S) proxy',
  }),
  insecure: row(SWITCH, {
    default: false,
    description: 'allow plain http:// to a server that is not on this machine',
  }),
  maxBackoff: row(DURATION, {
    arg: '<duration>',
    default: AGENT_DEFAULTS.maxBackoff,
    description: 'longest wait between retries',
  }),
  timeout: row(DURATION, {
    arg: '<duration>',
    default: AGENT_DEFAULTS.timeout,
    description: 'per-request timeout',
  }),
  once: row(SWITCH, {
    env: false,
    fileKey: false,
    default: false,
    description: 'run one check-in cycle and exit (1 if it failed)',
  }),
  networkFacts: row(SWITCH, {
    flag: '--no-network-facts',
    default: true,
    defaultDoc: '`true`',
    description:
      'send sockets, firewall and routes (always those of the network namespace the agent runs in, whatever the root); the flag turns it off',
  }),
  instanceId: row(INSTANCE_ID, {
    arg: '<id>',
    description: 'this host’s cloud instance id (i-…), to join the account’s cloud network',
    fileForm: {
      flag: '--instance-id-file',
      env: 'VIGIL_INSTANCE_ID_FILE',
      fileKey: 'instance_id_file',
      read: 'by-consumer',
    },
  }),
});

export type AgentSettings = SettingValues<typeof AGENT_SETTINGS>;
