import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake endpoint saw it: `ec2:DescribeImages`, `dynamodb:DescribeTable`... */
export interface SeenCall {
  action: string;
  body: string;
}

export interface Reply {
  status: number;
  body: string;
  contentType?: string;
}

/**
 * A stand-in AWS endpoint on 127.0.0.1 for fault tests: the real SDK talks to it through
 * AWS_ENDPOINT_URL, so what is tested is the SDK's own parsing of AWS's error answers.
 * JSON services name the call in X-Amz-Target, query services (EC2, STS) in the body.
 */
export async function fakeEndpoint(answer: (action: string, body: string) => Reply): Promise<{
  url: string;
  calls: SeenCall[];
  close: () => Promise<void>;
}> {
  const calls: SeenCall[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const action = actionOf(req, body);
      calls.push({ action, body });
      const reply = answer(action, body);
      res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'text/xml', 'x-amzn-requestid': 'req-1' });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function actionOf(req: IncomingMessage, body: string): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    const [service, op] = target.split('.');
    const prefix = service?.startsWith('DynamoDB') ? 'dynamodb' : service === 'AmazonSSM' ? 'ssm' : (service ?? '').toLowerCase();
    return `${prefix}:${op}`;
  }
  const action = new URLSearchParams(body).get('Action') ?? 'unknown';
  const version = new URLSearchParams(body).get('Version') ?? '';
  return `${version === '2011-06-15' ? 'sts' : 'ec2'}:${action}`;
}

export function ec2Error(code: string, message: string, status = 400): Reply {
  return {
    status,
    body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>req-1</RequestID></Response>`,
  };
}

export function jsonError(type: string, message: string, contentType = 'application/x-amz-json-1.0'): Reply {
  return { status: 400, contentType, body: JSON.stringify({ __type: type, message }) };
}

export function ec2Images(images: { id: string; name: string; snapshot?: string }[]): Reply {
  const items = images
    .map(
      (i) =>
        `<item><imageId>${i.id}</imageId><name>${i.name}</name><imageState>available</imageState>` +
        `<creationDate>2024-06-13T12:00:00.000Z</creationDate><imageOwnerId>111122223333</imageOwnerId>` +
        `<blockDeviceMapping><item><deviceName>/dev/sda1</deviceName><ebs><snapshotId>${i.snapshot ?? 'snap-1'}</snapshotId></ebs></item></blockDeviceMapping>` +
        `<tagSet/></item>`,
    )
    .join('');
  return {
    status: 200,
    body: `<?xml version="1.0" encoding="UTF-8"?><DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId><imagesSet>${items}</imagesSet></DescribeImagesResponse>`,
  };
}
