import { isIP } from 'node:net';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { HostKeyInvalidError } from '../../accounts/host-key-invalid-error.js';
import type { Inventory } from '../../core/inventory.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { sendCisEvaluation } from '../../jobs/queue-jobs.js';
import { enrollHost } from '../../resources/hosts/host-enrollment.js';
import { checkIn, type CheckinBody as CheckinInput } from '../../scan/host-checkin.js';
import { parkCheckin } from '../../scan/queued-uploads.js';
import { uploadQueueOf } from '../../jobs/inventory-match-job.js';
import { checkInNetwork, readCheckinFacts } from '../../scan/network-checkin.js';
import {
  assessmentRequestFor,
  pendingAssessment,
  readCheckinAssessmentFacts,
  receiveAssessmentFacts,
} from '../../scan/cis/cis-facts-intake.js';
import { CHECKIN_ROUTE, ENROLL_ROUTE, hostOf } from '../auth/host-auth.js';
import { acceptGzipBodies } from '../http/gzip-body.js';
import { HttpError } from '../http/http-error.js';
import {
  CheckinAnswer,
  CheckinBody,
  Enrolled,
  EnrollBody,
  type CheckinBodyT,
  type EnrollBodyT,
} from './agent-schemas.js';
import { InventoryBody } from './inventory-routes.js';
import { ErrorSchema, errorResponses } from './route-schemas.js';

/** The inventory a check-in carries, checked as POST …/inventory checks one (compiled once: it can be big). */
const inventoryCheck = TypeCompiler.Compile(InventoryBody);

function checkInventory(inventory: unknown): Inventory {
  if (inventoryCheck.Check(inventory)) {
    const os = (inventory as { os?: { id?: unknown } }).os;
    if (os === undefined || typeof os.id === 'string') return inventory as unknown as Inventory;
  }
  const errors = [...inventoryCheck.Errors(inventory)]
    .slice(0, 10)
    .map((e) => ({ path: `/inventory${e.path}`, message: e.message }));
  throw new HttpError(400, 'INVENTORY_INVALID', 'the inventory is not a vigil inventory', {
    errors: errors.length ? errors : [{ path: '/inventory/os/id', message: 'Expected string' }],
  });
}

function checkAddresses(addresses: readonly string[] | undefined): void {
  const bad = addresses?.find((a) => isIP(a.split('%')[0] ?? '') === 0);
  if (bad !== undefined)
    throw new HttpError(400, 'VALIDATION', 'ipAddresses holds a value that is not an IP address', {
      value: bad,
    });
}

/**
 * The agent's two routes (issue 12 contract), with their own credentials: POST /v1/agent/enroll trades
 * an enrollment token for a host key; POST /v1/agent/checkin (host key) is a heartbeat or a full
 * inventory. Bodies may be gzip-compressed and are capped compressed and decompressed.
 */
export function registerAgentRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const caps = {
    compressedBytes: ctx.config.agentMaxCompressedBytes,
    decompressedBytes: ctx.config.agentMaxBodyBytes,
  };
  const intervalSeconds = ctx.config.agentCheckinIntervalSeconds;
  // Queue mode: a full inventory is stored and matched by a worker; the check-in is answered at once.
  const uploads = uploadQueueOf(ctx);
  const checkinCtx = { ...ctx, intervalSeconds, ...(uploads ? { park: parkCheckin(ctx, uploads) } : {}) };
  void app.register((scope, _opts, done) => {
    acceptGzipBodies(scope, caps);
    scope.post(
      ENROLL_ROUTE,
      {
        bodyLimit: caps.decompressedBytes,
        schema: {
          security: [],
          description:
            'Trades an enrollment token for a host key. The same machine enrolling again gets the same resource and a new key.',
          body: EnrollBody,
          response: {
            201: Enrolled,
            ...errorResponses,
            409: ErrorSchema,
            413: ErrorSchema,
            415: ErrorSchema,
          },
        },
      },
      async (req, reply) => {
        const body = req.body as EnrollBodyT;
        checkAddresses(body.ipAddresses);
        const enrolled = await enrollHost(ctx, body, intervalSeconds);
        return reply.status(201).send(enrolled);
      },
    );
    scope.post(
      CHECKIN_ROUTE,
      {
        bodyLimit: caps.decompressedBytes,
        schema: {
          description:
            'A heartbeat (inventory hash) or a full inventory, with the host key (Authorization: Bearer vh_…).',
          body: CheckinBody,
          response: {
            200: CheckinAnswer,
            ...errorResponses,
            413: ErrorSchema,
            415: ErrorSchema,
            503: ErrorSchema,
          },
        },
      },
      async (req) => {
        const host = hostOf(req);
        const body = req.body as CheckinBodyT;
        // A key that travelled to another machine (a cloned disk): that machine must enroll as itself.
        if (body.machineId !== undefined && body.machineId !== host.machineId)
          throw new HostKeyInvalidError();
        checkAddresses(body.ipAddresses);
        // Read before anything is written: facts refused refuse the whole check-in.
        const facts = body.networkFacts === undefined ? undefined : readCheckinFacts(body.networkFacts);
        const input: CheckinInput = {
          agentVersion: body.agentVersion,
          sentAt: body.sentAt,
          inventoryHash: body.inventoryHash,
          ...(body.inventory !== undefined ? { inventory: checkInventory(body.inventory) } : {}),
          ...(body.inventoryError ? { inventoryError: body.inventoryError } : {}),
          ...(body.hostname !== undefined ? { hostname: body.hostname } : {}),
          ...(body.ipAddresses !== undefined ? { ipAddresses: body.ipAddresses } : {}),
        };
        const assessment =
          body.assessmentFacts === undefined ? undefined : readCheckinAssessmentFacts(body.assessmentFacts);
        const answer = await checkIn(checkinCtx, host, input);
        // CIS scans: facts the agent was asked for are assessed; a host a scan waits on is asked for them.
        if (assessment) await takeAssessmentFacts(ctx, host, assessment, req.log);
        // The key lookup read what scans wait for; only facts just taken can have changed it.
        const request = assessment
          ? await pendingAssessment(ctx.db, host)
          : assessmentRequestFor(host.cisPendingLevel);
        const asked = { ...answer, ...(request ? { assessmentRequest: request } : {}) };
        if (body.networkFacts === undefined && body.networkFactsHash === undefined) return asked;
        const network = await checkInNetwork(
          ctx.db,
          host,
          {
            ...(facts !== undefined ? { facts } : {}),
            ...(body.networkFactsHash !== undefined ? { factsHash: body.networkFactsHash } : {}),
          },
          ctx.now(),
        );
        return { ...asked, wantNetworkFacts: network.wantNetworkFacts };
      },
    );
    done();
  });
}

/**
 * Embedded mode assesses the facts here. Queue mode stores them and a worker assesses them
 * (cis-evaluate); a send lost here (the queue down) is sent by the feeder, which finds the target
 * waiting with its facts.
 */
async function takeAssessmentFacts(
  ctx: ServiceContext,
  host: { accountId: string; resourceId: string },
  facts: ReturnType<typeof readCheckinAssessmentFacts>,
  log: FastifyBaseLogger,
): Promise<void> {
  const queue = ctx.queue;
  const waiting = await receiveAssessmentFacts(ctx.db, host, facts, ctx.now(), {
    defer: queue !== undefined,
  });
  if (!queue) return;
  for (const t of waiting)
    await sendCisEvaluation(queue, t).catch((err: unknown) =>
      log.warn({ err }, 'cis-evaluate not sent; the queue feeder sends it'),
    );
}
