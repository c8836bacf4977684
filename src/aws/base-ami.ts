import { PawError } from '../errors.js';
import { setJsonValue } from '../workflow/edit.js';
import type { Workflow } from '../workflow/types.js';
import type { AmiImage, Cloud, PublicParameters } from './ports.js';

/** Canonical's account: owner of the official Ubuntu AMIs. */
export const CANONICAL_OWNER = '099720109477';
export const UBUNTU_PARAMETER_ROOT = '/aws/service/canonical/ubuntu/';

/**
 * One of Ubuntu's public parameters, e.g.
 * `/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id`
 * (`current` or a build serial such as `20240607`).
 */
export interface UbuntuParameter {
  product: string;
  release: string;
  serial: string;
  arch: string;
  virtualization: string;
  volumeType: string;
  amiId: string;
}

export interface UbuntuChoices {
  products: string[];
  releases: string[];
  arches: string[];
  volumeTypes: string[];
  parameters: UbuntuParameter[];
}

export interface BaseAmiQuery {
  product: string;
  release: string;
  arch: string;
  /** ebs-gp3, ebs-gp2...; when absent, gp3 where Ubuntu publishes it, else gp2. */
  volumeType?: string;
}

export function parseUbuntuParameter(name: string, value: string): UbuntuParameter | null {
  if (!name.startsWith(UBUNTU_PARAMETER_ROOT)) return null;
  const parts = name.slice(UBUNTU_PARAMETER_ROOT.length).split('/');
  if (parts.length !== 8 || parts[2] !== 'stable' || parts[7] !== 'ami-id') return null;
  const [product, release, , serial, arch, virtualization, volumeType] = parts as [string, string, string, string, string, string, string];
  if (!value.startsWith('ami-')) return null;
  return { product, release, serial, arch, virtualization, volumeType, amiId: value };
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

/** The products, releases, architectures and volume types Ubuntu publishes AMIs for. */
export async function listUbuntuChoices(params: PublicParameters): Promise<UbuntuChoices> {
  const parameters = (await params.byPath(UBUNTU_PARAMETER_ROOT)).flatMap((p) => parseUbuntuParameter(p.name, p.value) ?? []);
  return {
    products: sorted(parameters.map((p) => p.product)),
    releases: sorted(parameters.map((p) => p.release)).reverse(),
    arches: sorted(parameters.map((p) => p.arch)),
    volumeTypes: sorted(parameters.map((p) => p.volumeType)),
    parameters,
  };
}

/**
 * The Ubuntu AMIs for a product, release and architecture, newest first: the parameters give
 * the ids (current and dated builds), EC2 gives their names and dates.
 */
export async function findBaseAmis(cloud: Cloud, query: BaseAmiQuery): Promise<AmiImage[]> {
  const path = `${UBUNTU_PARAMETER_ROOT}${query.product}/${query.release}/stable/`;
  const matching = (await cloud.parameters.byPath(path))
    .flatMap((p) => parseUbuntuParameter(p.name, p.value) ?? [])
    .filter((p) => p.arch === query.arch && p.virtualization === 'hvm');
  const volumeType = query.volumeType ?? (matching.some((p) => p.volumeType === 'ebs-gp3') ? 'ebs-gp3' : 'ebs-gp2');
  const ids = [...new Set(matching.filter((p) => p.volumeType === volumeType).map((p) => p.amiId))];
  if (ids.length === 0) {
    throw new PawError(`Ubuntu publishes no ${query.product} ${query.release} ${query.arch} ${volumeType} AMI in ${cloud.region}`, {
      hint: 'see what exists with other --release, --arch, --product or --volume-type values',
    });
  }
  const images = await cloud.images.describe(ids);
  return images.filter((i) => i.state === 'available').sort((a, b) => b.creationDate.localeCompare(a.creationDate));
}

/** The Python library's `find_root_base_ami`: available images of an owner by name pattern, newest first. */
export async function findByNamePattern(cloud: Cloud, pattern: string, owner = CANONICAL_OWNER): Promise<AmiImage[]> {
  return cloud.images.findByNamePattern(pattern, [owner]);
}

/** Makes the image the workflow's root base AMI, keeping the file's comments and layout. */
export async function writeBaseAmi(workflow: Workflow, image: AmiImage): Promise<void> {
  await setJsonValue(workflow.paramPath, ['root_base_ami_id'], image.id);
  await setJsonValue(workflow.paramPath, ['root_base_ami_name'], image.name);
}
