import { StartIncidentCommand, UpdateIncidentRecordCommand, type SSMIncidentsClient } from '@aws-sdk/client-ssm-incidents';
import { PawError } from '../../errors.js';
import { awsCall } from '../errors.js';
import type { Incidents } from '../ports.js';

/** For the lazy loader: the client comes from this module, not from a dynamic import of the SDK. */
export { SSMIncidentsClient } from '@aws-sdk/client-ssm-incidents';

/** Incident Manager: StartIncident carries no summary, so it is set on the record right after. */
export function ssmIncidents(client: SSMIncidentsClient): Incidents {
  return {
    async start(input) {
      const out = await awsCall('ssm-incidents:StartIncident', () =>
        client.send(
          new StartIncidentCommand({
            responsePlanArn: input.responsePlanArn,
            title: input.title,
            impact: input.impact,
            triggerDetails: { source: 'paw-tui', timestamp: new Date(), rawData: input.summary.slice(0, 10_000) },
          }),
        ),
      );
      if (!out.incidentRecordArn) throw new PawError('Incident Manager started no incident');
      const arn = out.incidentRecordArn;
      await awsCall('ssm-incidents:UpdateIncidentRecord', () => client.send(new UpdateIncidentRecordCommand({ arn, summary: input.summary.slice(0, 8000) })));
      return arn;
    },
  };
}
