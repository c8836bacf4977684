import { useCallback, useEffect, useState } from 'react';
import { createAtIso } from '../../aws/create-at.js';
import type { AmiImage, CatalogItem, Cloud } from '../../aws/ports.js';
import type { Workflow } from '../../workflow/types.js';

/** One AMI of the workflow: what the catalog says joined with what EC2 says. */
export interface AmiRow {
  amiId: string;
  name: string;
  stepId: string;
  /** EC2's state, or `gone` when the catalog names an AMI EC2 no longer has. */
  state: string;
  /** ISO creation time (EC2's, else the catalog's). */
  created: string;
  image: AmiImage | null;
  item: CatalogItem | null;
}

/** Joins the catalog items of a workflow with its AMIs in EC2 (tagged or recorded). */
export function joinAmis(items: CatalogItem[], images: AmiImage[]): AmiRow[] {
  const byId = new Map(images.map((i) => [i.id, i]));
  const rows = new Map<string, AmiRow>();
  for (const item of items) {
    const image = byId.get(item.ami_id) ?? null;
    rows.set(item.ami_id, {
      amiId: item.ami_id,
      name: image?.name ?? item.ami_name,
      stepId: item.step_id,
      state: image?.state ?? 'gone',
      created: image?.creationDate ?? createAtIso(item.create_at),
      image,
      item,
    });
  }
  for (const image of images) {
    if (rows.has(image.id)) continue;
    rows.set(image.id, {
      amiId: image.id,
      name: image.name,
      stepId: image.tags['paw:step_id'] ?? '?',
      state: image.state,
      created: image.creationDate,
      image,
      item: null,
    });
  }
  return [...rows.values()];
}

export interface AmiLink {
  amiId: string;
  label: string;
}

/**
 * Where an AMI comes from, up to the root base AMI: each step's catalog item names the AMI it
 * was built on.
 */
export function lineage(row: AmiRow, rows: AmiRow[], workflow: Workflow): AmiLink[] {
  const byId = new Map(rows.map((r) => [r.amiId, r]));
  const root = workflow.param.root_base_ami_id;
  const out: AmiLink[] = [{ amiId: row.amiId, label: `step ${row.stepId}` }];
  let base = row.item?.base_ami_id ?? row.image?.tags['packer:base_ami_id'];
  const seen = new Set([row.amiId]);
  while (base && !seen.has(base)) {
    seen.add(base);
    if (base === root || base === row.item?.root_base_ami_id) {
      out.push({ amiId: base, label: `root base ${row.item?.root_base_ami_name ?? workflow.param.root_base_ami_name}` });
      return out;
    }
    const parent = byId.get(base);
    if (!parent) {
      out.push({ amiId: base, label: 'not in this workflow (deleted or from elsewhere)' });
      return out;
    }
    out.push({ amiId: base, label: `step ${parent.stepId}` });
    base = parent.item?.base_ami_id ?? parent.image?.tags['packer:base_ami_id'];
  }
  return out;
}

/** The workflow's AMIs, loaded on open and on `refresh()`. */
export function useWorkflowAmis(cloud: Cloud, workflow: Workflow) {
  const [rows, setRows] = useState<AmiRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [startedAt, setStartedAt] = useState(() => Date.now());
  const refresh = useCallback(async () => {
    setStartedAt(Date.now());
    try {
      const workflowId = workflow.param.workflow_id;
      const items = (await cloud.catalog.tableExists()) ? await cloud.catalog.listWorkflow(workflowId) : [];
      const owned = await cloud.images.listOwned({ workflowId });
      const ownedIds = new Set(owned.map((o) => o.id));
      const missing = items.map((i) => i.ami_id).filter((id) => !ownedIds.has(id));
      const described = missing.length ? await cloud.images.describe(missing) : [];
      setRows(joinAmis(items, [...owned, ...described]));
      setError(null);
    } catch (e) {
      setError(e);
      setRows((r) => r ?? []);
    }
  }, [cloud, workflow]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return { rows, error, refresh, startedAt };
}
