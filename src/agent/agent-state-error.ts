import { VigilError } from '../core/errors/vigil-error.js';

/** The agent's state directory cannot be created, secured or written (a startup problem, not a server one). */
export class AgentStateError extends VigilError {
  constructor(path: string, reason: string) {
    super('AGENT_STATE_UNUSABLE', `agent state ${path}: ${reason}`, { path, reason });
  }
}
