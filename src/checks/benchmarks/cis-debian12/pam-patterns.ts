import type { Condition } from '../../model/check-model.js';
import { any, lines } from '../check-builders.js';

/** A PAM rule line: `type control module.so args`; a bracketed control may hold spaces. */
export function pamRule(type: string, module: string, args = ''): string {
  return `^${type} (\\[[^\\]]*\\]|\\S+) (\\S*/)?${module}\\.so${args ? `( .*)? ${args}` : '( |$)'}`;
}

/** Some line of the expanded PAM stack of `service` matches. */
export const pamHas = (service: string, rule: string): Condition => lines(`pam:${service}`, { some: rule });
/** No line of the expanded PAM stack of `service` matches. */
export const pamLacks = (service: string, rule: string): Condition => lines(`pam:${service}`, { none: rule });

/** A pwquality setting: from pwquality.conf (or a drop-in), or as an argument on the pam_pwquality line. */
export function pwquality(key: string, argRe: string, confOk: Condition): Condition {
  const arg = argRe === '' ? `${key}( |$)` : `${key}=${argRe}( |$)`;
  return any(confOk, pamHas('common-password', pamRule('password', 'pam_pwquality', arg)));
}
