import { randomUUID } from 'node:crypto';
import type { Identity, Incidents, ParameterStore, PublicParameters } from '../aws/ports.js';
import { sandboxCall, sandboxError } from './faults.js';
import type { SandboxStore } from './state.js';

/** The sandbox's SSM public parameters, SSM Incident Manager and STS identity. */

export function sandboxParameters(store: SandboxStore): PublicParameters {
  return {
    byPath: (path) =>
      sandboxCall('ssm', 'GetParametersByPath', async () => {
        if (!path.startsWith('/')) {
          throw sandboxError(
            'ValidationException',
            `The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash "/".`,
          );
        }
        const prefix = path.endsWith('/') ? path : `${path}/`;
        const { parameters } = await store.read();
        return Object.entries(parameters)
          .filter(([name]) => name.startsWith(prefix))
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([name, value]) => ({ name, value }));
      }),
  };
}

/** SSM's rule for a parameter name: letters, digits and `.-_`, in sub-paths after a leading `/`. */
const PARAMETER_NAME = /^(\/[A-Za-z0-9_.-]+)+$|^[A-Za-z0-9_.-]+$/;

export function sandboxParameterStore(store: SandboxStore): ParameterStore {
  return {
    putImageId: ({ name, amiId, description, tags }) =>
      sandboxCall('ssm', 'PutParameter', () =>
        store.update((s) => {
          if (!PARAMETER_NAME.test(name)) {
            throw sandboxError(
              'ValidationException',
              `Parameter name ${name}: if formed as a path, it must begin with a slash and each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_`,
            );
          }
          if (/^\/?(aws|ssm)/i.test(name)) throw sandboxError('AccessDeniedException', `No access to reserved parameter name: ${name}.`);
          // AWS checks aws:ec2:image values against EC2; the sandbox does it at once.
          if (!/^ami-[0-9a-f]+$/.test(amiId) || !s.images[amiId]) {
            throw sandboxError(
              'ValidationException',
              `Parameter value, ${amiId}, is not a valid AMI ID in this Region or your account does not have access to it.`,
            );
          }
          const own = (s.ownParameters ??= {});
          const was = own[name];
          const version = (was?.version ?? 0) + 1;
          own[name] = {
            value: amiId,
            dataType: 'aws:ec2:image',
            version,
            description,
            lastModified: new Date().toISOString(),
            tags: { ...was?.tags, ...tags },
          };
          return version;
        }),
      ),
    get: (names) =>
      sandboxCall('ssm', 'GetParameters', async () => {
        const { ownParameters, parameters } = await store.read();
        return names.flatMap((name) => {
          const own = ownParameters?.[name];
          if (own) return [{ name, value: own.value, version: own.version }];
          const value = parameters[name];
          return value === undefined ? [] : [{ name, value, version: 1 }];
        });
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
            throw sandboxError(
              'ValidationException',
              `1 validation error detected: Value '${input.responsePlanArn}' at 'responsePlanArn' failed to satisfy constraint`,
            );
          }
          if (!Number.isInteger(input.impact) || input.impact < 1 || input.impact > 5) {
            throw sandboxError(
              'ValidationException',
              `1 validation error detected: Value '${input.impact}' at 'impact' failed to satisfy constraint: Member must have value between 1 and 5`,
            );
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
