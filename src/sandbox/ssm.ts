import { randomUUID } from 'node:crypto';
import type { Identity, Incidents, PublicParameters } from '../aws/ports.js';
import { sandboxCall, sandboxError } from './faults.js';
import type { SandboxStore } from './state.js';

/** The sandbox's SSM public parameters, SSM Incident Manager and STS identity. */

export function sandboxParameters(store: SandboxStore): PublicParameters {
  return {
    byPath: (path) =>
      sandboxCall('ssm', 'GetParametersByPath', async () => {
        if (!path.startsWith('/')) {
          throw sandboxError('ValidationException', `The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash "/".`);
        }
        const prefix = path.endsWith('/') ? path : `${path}/`;
        const { parameters } = await store.read();
        return Object.keys(parameters)
          .filter((name) => name.startsWith(prefix))
          .sort()
          .map((name) => ({ name, value: parameters[name]! }));
      }),
  };
}

export function sandboxIncidents(store: SandboxStore): Incidents {
  return {
    start: (input) =>
      sandboxCall('ssm-incidents', 'StartIncident', () =>
        store.update((s) => {
          const plan = /^arn:aws[a-z-]*:ssm-incidents::\d{12}:response-plan\/([A-Za-z0-9_-]+)$/.exec(input.responsePlanArn);
          if (!plan) {
            throw sandboxError('ValidationException', `1 validation error detected: Value '${input.responsePlanArn}' at 'responsePlanArn' failed to satisfy constraint`);
          }
          if (!Number.isInteger(input.impact) || input.impact < 1 || input.impact > 5) {
            throw sandboxError('ValidationException', `1 validation error detected: Value '${input.impact}' at 'impact' failed to satisfy constraint: Member must have value between 1 and 5`);
          }
          const arn = `arn:aws:ssm-incidents::${s.account}:incident-record/${plan[1]}/${randomUUID()}`;
          s.incidents.push({ arn, ...input, startedAt: new Date().toISOString() });
          return arn;
        }),
      ),
  };
}

export function sandboxIdentity(account: string): Identity {
  return {
    whoAmI: () => sandboxCall('sts', 'GetCallerIdentity', () => Promise.resolve({ account, arn: `arn:aws:iam::${account}:user/sandbox` })),
  };
}
