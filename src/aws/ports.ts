/**
 * The ports through which core code talks to the cloud (STYLE.md: ports and adapters). The SDK
 * adapters (src/aws/sdk/) and the sandbox (src/sandbox/) implement the same interfaces; nothing
 * else knows which one it holds. A new cloud call is added here first.
 */

export type ImageState = 'pending' | 'available' | 'invalid' | 'deregistered' | 'transient' | 'failed' | 'error' | 'disabled';

export interface AmiImage {
  id: string;
  name: string;
  state: ImageState | string;
  /** ISO-8601, as EC2 returns `CreationDate`. */
  creationDate: string;
  ownerId: string;
  architecture?: string;
  description?: string;
  snapshotIds: string[];
  tags: Record<string, string>;
  /** The EC2 `Image` object as returned (stored as JSON text in the catalog's `details`). */
  raw: Record<string, unknown>;
}

export interface ImageReference {
  /** e.g. `ec2:LaunchTemplate`, `ssm:Parameter`. */
  resourceType: string;
  arn: string;
}

/** Images asked about in one call by the `…Each` methods of Images. */
export const IMAGES_PER_CALL = 100;

export interface Images {
  /** Images by id; ids EC2 does not know are left out of the answer (no error). */
  describe(ids: string[]): Promise<AmiImage[]>;
  /** Available images whose name matches the pattern (EC2 wildcards), of these owners, newest first. */
  findByNamePattern(pattern: string, owners: string[]): Promise<AmiImage[]>;
  /** This account's images with exactly this name (normally zero or one). */
  findOwnedByName(name: string): Promise<AmiImage[]>;
  /** This account's images carrying `paw:workflow_id` = workflowId (all, when omitted). */
  listOwned(filter?: { workflowId?: string; stepId?: string }): Promise<AmiImage[]>;
  /** Create tags on images, snapshots or instances (CreateTags). */
  tag(resourceIds: string[], tags: Record<string, string>): Promise<void>;
  /** CreateImage from an instance, with TagSpecifications for the image and its snapshots. */
  createImage(input: { instanceId: string; name: string; description?: string; tags: Record<string, string> }): Promise<string>;
  deregister(imageId: string): Promise<void>;
  /**
   * CopyImage into this port's region from another (tags copied with CopyImageTags); the
   * client token makes a repeated call return the first copy instead of a second one.
   */
  copyFrom(input: { sourceImageId: string; sourceRegion: string; name: string; description: string; clientToken: string }): Promise<string>;
  /** Shares with these accounts: launchPermission on the image, createVolumePermission on its snapshots. */
  share(imageId: string, snapshotIds: string[], accountIds: string[]): Promise<void>;
  /** EnableImageDeprecation: from `at` on, the image is hidden from listings that do not ask for deprecated ones. */
  deprecate(imageId: string, at: Date): Promise<void>;
  deleteSnapshot(snapshotId: string): Promise<void>;
  /** Ids of instances (any state but terminated) launched from this image. */
  instancesUsing(imageId: string): Promise<string[]>;
  /** Launch templates, SSM parameters... that use the image; null when the API cannot answer. */
  references(imageId: string): Promise<ImageReference[] | null>;
  /**
   * instancesUsing for several images in one call (at most IMAGES_PER_CALL): image id → its
   * instances, every id asked a key.
   */
  instancesUsingEach(imageIds: string[]): Promise<Map<string, string[]>>;
  /**
   * references for several images in one call (at most IMAGES_PER_CALL): image id → what uses
   * it, every id asked a key; null when the API cannot answer. An unknown id fails the call.
   */
  referencesEach(imageIds: string[]): Promise<Map<string, ImageReference[]> | null>;
  /** Snapshots of other images of this account that share any of these snapshot ids: snapshot id → image ids. */
  snapshotUsers(snapshotIds: string[], exceptImageId: string): Promise<Map<string, string[]>>;
}

export interface PublicParameter {
  name: string;
  value: string;
}

export interface PublicParameters {
  /** GetParametersByPath, recursive, all pages. */
  byPath(path: string): Promise<PublicParameter[]>;
}

/** An SSM parameter of this account that holds an AMI id (data type `aws:ec2:image`). */
export interface ImageParameter {
  name: string;
  value: string;
  version: number;
}

export interface ParameterStore {
  /**
   * PutParameter with data type `aws:ec2:image`, overwriting, then AddTagsToResource (SSM
   * refuses Tags together with Overwrite). Returns the parameter's new version.
   */
  putImageId(input: { name: string; amiId: string; description: string; tags: Record<string, string> }): Promise<number>;
  /** GetParameters; names SSM does not know are left out of the answer (no error). */
  get(names: string[]): Promise<ImageParameter[]>;
}

export type InstanceState = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface Instance {
  id: string;
  state: InstanceState | string;
  imageId: string;
  instanceType: string;
  launchTime: string;
  publicDnsName?: string;
  publicIp?: string;
  privateIp?: string;
  keyName?: string;
  tags: Record<string, string>;
  /** EC2's reason for the last state change, when it gave one. */
  stateReason?: string;
}

export interface LaunchInput {
  imageId: string;
  instanceType: string;
  subnetId: string;
  securityGroupIds: string[];
  instanceProfileName: string;
  keyName: string;
  tags: Record<string, string>;
  /**
   * RunInstances' ClientToken: repeating a launch with the same token returns the instance the
   * first call started instead of a second one (the manual path's crash recovery relies on it).
   */
  clientToken?: string;
}

export interface KeyPairInfo {
  name: string;
  id?: string;
  tags?: Record<string, string>;
  /** ISO-8601, when EC2 says (DescribeKeyPairs' CreateTime). */
  createTime?: string;
}

/** A security group as far as finding one left behind needs it. */
export interface SecurityGroupInfo {
  id: string;
  name: string;
  vpcId?: string;
  tags: Record<string, string>;
  /** Ingress open to any address (0.0.0.0/0 or ::/0), as `22` or `0-65535` or `all`. */
  openToWorld: string[];
}

/** What finds instances left behind: RunInstances' client token, or tags paw-tui put on them. */
export interface InstanceFilter {
  clientToken?: string;
  tags?: Record<string, string>;
}

export interface Instances {
  run(input: LaunchInput): Promise<string>;
  /** Instances by id; ids EC2 does not know are left out. */
  describe(ids: string[]): Promise<Instance[]>;
  stop(id: string): Promise<void>;
  terminate(id: string): Promise<void>;
  /** Resource ids found by their Name tag; null when nothing has that name. */
  subnetByName(name: string): Promise<string | null>;
  securityGroupByName(name: string): Promise<string | null>;
  instanceProfileExists(name: string): Promise<boolean>;
  keyPairs(): Promise<KeyPairInfo[]>;
  /** Creates a key pair (tagged, so a leaked one is found) and returns the private key material (PEM). */
  createKeyPair(name: string, tags?: Record<string, string>): Promise<string>;
  deleteKeyPair(name: string): Promise<void>;
  /** Security groups whose name starts with `prefix` (DescribeSecurityGroups, all pages). */
  securityGroupsNamed(prefix: string): Promise<SecurityGroupInfo[]>;
  /** DeleteSecurityGroup; EC2 refuses (DependencyViolation) while an instance still uses it. */
  deleteSecurityGroup(id: string): Promise<void>;
  /** Instances not terminated that match every part of the filter (DescribeInstances filters). */
  find(filter: InstanceFilter): Promise<Instance[]>;
}

/** A catalog item as stored (SPEC §4): every attribute a string, names as the Python library's. */
export interface CatalogItem {
  workflow_id: string;
  step_id: string;
  ami_id: string;
  ami_name: string;
  /** `%Y-%m-%dT%H:%M:%S.%f+0000`, UTC. */
  create_at: string;
  aws_console_url: string;
  base_ami_id: string;
  base_ami_name: string;
  root_base_ami_id: string;
  root_base_ami_name: string;
  /** JSON text of the EC2 image. */
  details: string;
  /** JSON text of the step's metadata. */
  metadata: string;
  build_method?: 'packer' | 'manual';
  packer_version?: string;
  duration_s?: string;
  /** sha256 of the step's inputs when it was built (src/layers/fingerprint.ts). */
  fingerprint?: string;
  /** JSON text of those inputs, file by file, so a later look can say what changed. */
  fingerprint_inputs?: string;
  /** The workflow id this item's AMI was built under, when `workflow bump` carried it over. */
  carried_from?: string;
  /** JSON text: the copies of the AMI in other regions, `[{"region": …, "ami_id": …}]`. */
  copies?: string;
  /** JSON text: the SSM parameters `publish` wrote this AMI id to, `["/golden/app/ami-id"]`. */
  published_to?: string;
}

export interface Catalog {
  readonly tableName: string;
  tableExists(): Promise<boolean>;
  createTable(): Promise<void>;
  put(item: CatalogItem): Promise<void>;
  get(workflowId: string, stepId: string): Promise<CatalogItem | null>;
  /** The items of these keys that exist, in any order (BatchGetItem, 100 keys a call). */
  getMany(keys: { workflowId: string; stepId: string }[]): Promise<CatalogItem[]>;
  listWorkflow(workflowId: string): Promise<CatalogItem[]>;
  /** Every version of a step across workflows, newest first (the `step_id_index`). */
  listStepVersions(stepId: string): Promise<CatalogItem[]>;
  listAll(): Promise<CatalogItem[]>;
  delete(workflowId: string, stepId: string): Promise<void>;
}

/** Who holds a step's lock: enough to name them in one line. */
export interface LockHolder {
  host: string;
  user: string;
  pid: number;
  /** The holder's process start time (Linux), to tell a dead holder from a pid reused. */
  pidStart: string | null;
  runId: string;
  /** `build` or `manual <command>`. */
  command: string;
  /** ISO-8601. */
  since: string;
}

/**
 * Step leases in the catalog table, under keys no reader of the catalog meets: hash key
 * `paw-lock#<workflow_id>`, range key `<step_id>`, no `create_at` (so the `step_id_index` never
 * holds them). They keep two machines from building one step at once.
 */
export interface Leases {
  /**
   * Takes the lease when it is free, expired, or held by `replacing` (a run id known to be
   * dead, or a steal the user confirmed); else returns who holds it.
   */
  acquire(workflowId: string, stepId: string, holder: LockHolder, ttlMs: number, replacing?: string): Promise<{ holder: LockHolder; expiresAt: string } | null>;
  /** Pushes the expiry on; false when the lease is no longer this run's. */
  renew(workflowId: string, stepId: string, runId: string, ttlMs: number): Promise<boolean>;
  /** Deletes the lease if it is still this run's. */
  release(workflowId: string, stepId: string, runId: string): Promise<void>;
}

export const LEASE_PREFIX = 'paw-lock#';

/** The shape of a DynamoDB table, as far as choosing the catalog's table needs it. */
export interface TableShape {
  name: string;
  hashKey: string | null;
  rangeKey: string | null;
  indexes: { name: string; hashKey: string | null; rangeKey: string | null }[];
}

/** The account's DynamoDB tables: how the catalog's table is found when none is configured. */
export interface CatalogTables {
  /** Every table name of the account in this region (all pages). */
  list(): Promise<string[]>;
  /** The table's keys and indexes; null when it does not exist. */
  describe(name: string): Promise<TableShape | null>;
  /** Whether the table holds at least one item of this workflow. */
  holdsWorkflow(name: string, workflowId: string): Promise<boolean>;
}

export interface Incidents {
  start(input: { responsePlanArn: string; title: string; impact: number; summary: string }): Promise<string>;
}

export interface Identity {
  /** Who the credentials belong to; throws a PawError when there are none or they expired. */
  whoAmI(): Promise<{ account: string; arn: string }>;
}

/** Everything the core needs from the cloud, bound to one region and credentials. */
export interface Cloud {
  readonly kind: 'aws' | 'sandbox';
  readonly region: string;
  readonly profile: string | null;
  readonly images: Images;
  /** The same images port in another region of the same account (copies of distributed AMIs). */
  imagesIn(region: string): Images;
  readonly parameters: PublicParameters;
  /** The account's own parameters (publishing an AMI id). */
  readonly parameterStore: ParameterStore;
  readonly instances: Instances;
  readonly catalog: Catalog;
  /** Step leases in the catalog table (absent where there is no table to hold them). */
  readonly leases?: Leases;
  readonly tables: CatalogTables;
  /**
   * The variables a child process (Packer) needs to act as the identity paw-tui checked: the
   * profile or the keys, and the region. An undefined value removes the variable.
   */
  readonly childEnv: Record<string, string | undefined>;
  readonly incidents: Incidents;
  readonly identity: Identity;
  /** Releases what the backend holds (the sandbox's local DynamoDB server, state file). */
  close(): Promise<void>;
}

export interface CloudOptions {
  sandbox: boolean;
  /** Absolute path of the workflow folder (the sandbox keeps its state under `<dir>/.paw/`). */
  workflowDir: string;
  region?: string | null;
  profile?: string | null;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | null } | null;
  /** The catalog table the user configured (--table, PAW_TABLE, settings...); null to find it. */
  table: ConfiguredTable | null;
  /** The workflow whose items show which table is the team's, when none is configured. */
  workflowId?: string | null;
  /** Tells the user a one-line fact once (which table was found, which credentials win). */
  onNote?: (line: string) => void;
  /** Asks the user which table to use when it cannot be decided (the app); absent headless. */
  chooseTable?: ChooseTable;
}

/** Why the table could not be decided, and the names to choose from (first = suggested). */
export interface TableQuestion {
  reason: 'several' | 'none';
  candidates: string[];
  /** "account 123456789012, region eu-west-1". */
  where: string;
}

/** The table the user chose, or null when they would not choose (the error stands). */
export type ChooseTable = (question: TableQuestion) => Promise<string | null>;

/** A table name and where it came from, for the messages that name it. */
export interface ConfiguredTable {
  name: string;
  source: string;
}
