/**
 * The catalog item's `details` as the Python library writes it: pynamodb's JSONAttribute holds
 * `json.dumps(dataclasses.asdict(simple_aws_ec2.Image))`, the image's fields in snake case with
 * the raw EC2 image under `data`.
 */

/** simple_aws_ec2.Image's fields, in its order, and the EC2 key each is read from. */
const IMAGE_FIELDS: [string, string][] = [
  ['id', 'ImageId'],
  ['image_location', 'ImageLocation'],
  ['image_type', 'ImageType'],
  ['architecture', 'Architecture'],
  ['creation_date', 'CreationDate'],
  ['public', 'Public'],
  ['kernel_id', 'KernelId'],
  ['owner_id', 'OwnerId'],
  ['platform', 'Platform'],
  ['platform_details', 'PlatformDetails'],
  ['usage_operation', 'UsageOperation'],
  ['ramdisk_id', 'RamdiskId'],
  ['state', 'State'],
  ['state_reason_code', 'StateReason.Code'],
  ['state_reason_message', 'StateReason.Message'],
  ['description', 'Description'],
  ['ena_support', 'EnaSupport'],
  ['hypervisor', 'Hypervisor'],
  ['image_owner_alias', 'ImageOwnerAlias'],
  ['name', 'Name'],
  ['root_device_name', 'RootDeviceName'],
  ['root_device_type', 'RootDeviceType'],
  ['sriov_net_support', 'SriovNetSupport'],
  ['virtualization_type', 'VirtualizationType'],
  ['boot_mode', 'BootMode'],
  ['tpm_support', 'TpmSupport'],
  ['deprecation_time', 'DeprecationTime'],
  ['imds_support', 'ImdsSupport'],
];

function at(raw: Record<string, unknown>, keyPath: string): unknown {
  let v: unknown = raw;
  for (const k of keyPath.split('.')) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string, unknown>)[k];
  }
  return v === undefined ? null : v;
}

/** `dataclasses.asdict(simple_aws_ec2.Image.from_dict(raw))`. */
export function libraryImageDetails(raw: Record<string, unknown>): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  for (const [field, key] of IMAGE_FIELDS) details[field] = at(raw, key);
  const tags = Array.isArray(raw.Tags) ? (raw.Tags as { Key?: unknown; Value?: unknown }[]) : [];
  details.tags = Object.fromEntries(tags.map((t) => [String(t.Key), t.Value ?? null]));
  details.data = raw;
  return details;
}

/** A string as Python's `json.dumps` writes it (ensure_ascii: everything outside space..~ escaped). */
function pythonString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Python's `json.dumps(value)` with its defaults (", " and ": " separators, ASCII only). */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return pythonString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return String(value);
  }
  if (value instanceof Date) return pythonString(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${pythonString(k)}: ${pythonJsonDumps(v)}`).join(', ')}}`;
  }
  return pythonString(typeof value === 'bigint' ? value.toString() : typeof value);
}

/** The raw EC2 image of a `details` text in either shape: the library's (under `data`) or the bare image. */
export function rawImageOfDetails(details: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(details);
  } catch {
    return {};
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const o = parsed as Record<string, unknown>;
  if (typeof o.id === 'string' && o.data && typeof o.data === 'object' && !Array.isArray(o.data)) return o.data as Record<string, unknown>;
  return o;
}
