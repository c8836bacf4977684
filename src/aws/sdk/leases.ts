import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { awsCall } from '../errors.js';
import { LEASE_PREFIX, type Leases, type LockHolder } from '../ports.js';

function isConditionFailed(e: unknown): boolean {
  const name = (e as { name?: string; cause?: { name?: string } })?.name;
  const cause = (e as { cause?: { name?: string } })?.cause?.name;
  return (
    name === 'ConditionalCheckFailedException' ||
    cause === 'ConditionalCheckFailedException' ||
    /conditional request failed/i.test(String((e as Error)?.message))
  );
}

/** Step leases as items of the catalog table, written with conditional puts. */
export function dynamoLeases(client: DynamoDBClient, tableName: string): Leases {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const key = (workflowId: string, stepId: string) => ({ workflow_id: `${LEASE_PREFIX}${workflowId}`, step_id: stepId });

  return {
    async acquire(workflowId, stepId, holder, ttlMs, replacing) {
      const now = Date.now();
      const item = { ...key(workflowId, stepId), holder: JSON.stringify(holder), run_id: holder.runId, expires_at: now + ttlMs };
      try {
        await awsCall('dynamodb:PutItem', () =>
          doc.send(
            new PutCommand({
              TableName: tableName,
              Item: item,
              ConditionExpression: 'attribute_not_exists(workflow_id) OR expires_at < :now' + (replacing ? ' OR run_id = :replacing' : ''),
              ExpressionAttributeValues: { ':now': now, ...(replacing ? { ':replacing': replacing } : {}) },
            }),
          ),
        );
        return null;
      } catch (e) {
        if (!isConditionFailed(e)) throw e;
      }
      const out = await awsCall('dynamodb:GetItem', () =>
        doc.send(new GetCommand({ TableName: tableName, Key: key(workflowId, stepId), ConsistentRead: true })),
      );
      const found = out.Item as { holder?: string; expires_at?: number; run_id?: string } | undefined;
      // Released between the two calls: try once more.
      if (!found) return this.acquire(workflowId, stepId, holder, ttlMs, replacing);
      // Our own put went through and only its answer was lost (a call made again): it is ours.
      if (found.run_id === holder.runId) return null;
      return { holder: JSON.parse(found.holder ?? '{}') as LockHolder, expiresAt: new Date(found.expires_at ?? 0).toISOString() };
    },

    async renew(workflowId, stepId, runId, ttlMs) {
      try {
        await awsCall('dynamodb:UpdateItem', () =>
          doc.send(
            new UpdateCommand({
              TableName: tableName,
              Key: key(workflowId, stepId),
              UpdateExpression: 'SET expires_at = :e',
              ConditionExpression: 'run_id = :r',
              ExpressionAttributeValues: { ':e': Date.now() + ttlMs, ':r': runId },
            }),
          ),
        );
        return true;
      } catch (e) {
        if (isConditionFailed(e)) return false;
        throw e;
      }
    },

    async release(workflowId, stepId, runId) {
      try {
        await awsCall('dynamodb:DeleteItem', () =>
          doc.send(
            new DeleteCommand({
              TableName: tableName,
              Key: key(workflowId, stepId),
              ConditionExpression: 'run_id = :r',
              ExpressionAttributeValues: { ':r': runId },
            }),
          ),
        );
      } catch (e) {
        if (!isConditionFailed(e)) throw e;
      }
    },
  };
}
