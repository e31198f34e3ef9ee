import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { SERVER_SETTINGS, WORKER_SETTINGS } from '../config/server-settings.js';
import { addSettingOptions, loadSettings } from '../config/setting-options.js';

/**
 * `vigil server` and `vigil worker`: their options come from the settings table
 * (config/server-settings.ts), so every one is also an environment variable and a config-file key.
 * Fastify and the service load when they run (server-action.ts).
 */
export function registerServerCommand(program: Command, io: CliIo): void {
  const server = program.command('server').description('run the vigil API server');
  addSettingOptions(server, SERVER_SETTINGS).action(async (_opts: unknown, self: Command) => {
    const { settings, printed } = await loadSettings(self, SERVER_SETTINGS, io);
    if (printed) return;
    await (await import('./server-action.js')).runServer(io, settings.values);
  });
  registerWorkerCommand(program, io);
}

/** `vigil worker` = `vigil server --role worker`: the same settings but the role and the API port. */
function registerWorkerCommand(program: Command, io: CliIo): void {
  const worker = program
    .command('worker')
    .description('run a vigil worker: queued scans, reports and webhook deliveries (PostgreSQL)');
  addSettingOptions(worker, WORKER_SETTINGS).action(async (_opts: unknown, self: Command) => {
    const { settings, printed } = await loadSettings(self, WORKER_SETTINGS, io);
    if (printed) return;
    const { runServer } = await import('./server-action.js');
    // A worker serves no API: the port is never listened on (only --health-port, if given).
    await runServer(io, { ...settings.values, role: 'worker', port: SERVER_SETTINGS.port.default });
  });
}
