import { existsSync } from 'node:fs';
import path from 'node:path';
import { readTemplate, readVarFile, type PackerTemplate, type TemplateError } from './packer-template.js';

/** The simulated packer's command line and configuration checks (what `packer validate` refuses). */

export interface PackerArgs {
  varFiles: string[];
  /** `-var key=value`. */
  vars: string[];
  color: boolean;
  onError: string;
  /** The template folder (or file). */
  target: string;
  flags: Set<string>;
}

/** Variable values: defaults, then var files in order, then PKR_VAR_*, then -var, as Packer merges them. */
export function resolveVars(template: PackerTemplate, args: PackerArgs): Map<string, string> {
  const vars = new Map<string, string>();
  for (const [name, v] of template.variables) if (v.defaultValue !== undefined) vars.set(name, v.defaultValue);
  for (const file of args.varFiles) {
    if (existsSync(file)) for (const [k, v] of readVarFile(file).values) vars.set(k, v);
  }
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('PKR_VAR_') && v !== undefined) vars.set(k.slice(8), v);
  for (const kv of args.vars) {
    const i = kv.indexOf('=');
    if (i > 0) vars.set(kv.slice(0, i), kv.slice(i + 1));
  }
  return vars;
}

export function validateTemplate(args: PackerArgs): { template: PackerTemplate | null; errors: TemplateError[] } {
  const target = path.resolve(args.target);
  if (!existsSync(target)) {
    return {
      template: null,
      errors: [{ file: args.target, line: 1, message: 'Failed to read file', detail: `stat ${args.target}: no such file or directory` }],
    };
  }
  const errors: TemplateError[] = [];
  for (const file of args.varFiles) {
    if (!existsSync(file)) errors.push({ file, line: 1, message: 'Failed to read file', detail: `The file "${file}" could not be read.` });
    else errors.push(...readVarFile(file).errors.map((e) => ({ ...e, file: path.basename(e.file) })));
  }
  const { template, errors: templateErrors } = readTemplate(target);
  errors.push(...templateErrors);
  if (!template.files.length) {
    errors.push({
      file: args.target,
      line: 1,
      message: `Could not find any config file in ${args.target}`,
      detail: 'A config file must be suffixed with `.pkr.hcl` or `.pkr.json`.',
    });
    return { template, errors };
  }
  const vars = resolveVars(template, args);
  for (const [name, v] of template.variables) {
    if (!vars.has(name)) {
      errors.push({
        file: v.file,
        line: v.line,
        message: `Unset variable "${name}"`,
        detail: 'A used variable must be set or have a default value; see\nhttps://packer.io/docs/configuration/from-1.5/syntax.html for details.',
      });
    }
  }
  if (!template.builds.length && !templateErrors.length) {
    errors.push({
      file: path.basename(template.files[0] ?? ''),
      line: 1,
      message: 'Missing build block',
      detail: 'A build block with one or more sources is required for executing a build.',
    });
  }
  // Packer resolves a provisioner's script against its working folder (paw-tui runs it in the step folder).
  const dir = process.cwd();
  for (const build of template.builds) {
    for (const ref of build.sources) {
      const [kind, type, name] = ref.split('.');
      if (kind !== 'source' || !template.sources.some((s) => `${type}` === 'amazon-ebs' && s.name === name)) {
        errors.push({
          file: path.basename(template.files[0] ?? ''),
          line: 1,
          message: 'Unknown source',
          detail: `Unknown source ${ref}. The sandbox's simulated packer builds amazon-ebs sources only.`,
        });
      }
    }
    for (const p of build.provisioners) {
      for (const script of p.scripts) {
        if (!existsSync(path.resolve(dir, script))) {
          errors.push({
            file: path.basename(template.files[0] ?? ''),
            line: p.line,
            message: `Failed preparing provisioner-block "${p.type}" ""`,
            detail: `Bad script '${script}': stat ${script}: no such file or directory`,
          });
        }
      }
    }
  }
  return { template, errors };
}
