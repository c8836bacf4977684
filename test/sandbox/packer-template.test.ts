import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, readTemplate, readVarFile } from '../../src/sandbox/packer-template.js';

const TEMPLATE = `packer {
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = "~> 1"
    }
  }
}

source "amazon-ebs" "ubuntu" {
  ami_name      = var.output_ami_name # the name
  instance_type = var.instance_type
  source_ami = var.source_ami_id
  subnet_filter {
    filters = {
      "tag:Name" : var.subnet_name,
    }
    most_free = true
  }
  security_group_filter {
    filters = {
      "tag:Name" : var.security_group_name,
    }
  }
  iam_instance_profile = var.ec2_iam_role_name
  run_tags = {
    Name = "packer \${var.output_ami_name}"
  }
}

build {
  name = "step1"
  sources = [
    "source.amazon-ebs.ubuntu"
  ]
  provisioner "shell" {
    inline = [
      "cloud-init status --wait || true",
      # verify the EBS attachment, "not a command"
      "lsblk",
    ]
  }
  provisioner "shell" {
    script = "zero_deps_script.py"
  }
  post-processor "manifest" {
    output     = ".paw/manifest.json"
    strip_path = true
  }
}
`;

describe('reading Packer files loosely', () => {
  it('finds sources, filters, build name, provisioners and the manifest post-processor', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'paw-tpl-'));
    await writeFile(path.join(dir, 'step1.pkr.hcl'), TEMPLATE);
    await writeFile(
      path.join(dir, 'step1.variables.pkr.hcl'),
      'variable "output_ami_name" {\n  type = string\n}\nvariable "instance_type" {\n  default = "t3.micro"\n}\n',
    );
    const { template, errors } = readTemplate(dir);
    expect(errors).toEqual([]);
    expect(template.requiredPlugins).toBe(true);
    expect(template.variables.get('output_ami_name')).toMatchObject({ hasDefault: false });
    expect(template.variables.get('instance_type')).toMatchObject({ hasDefault: true, defaultValue: 't3.micro' });
    const [source] = template.sources;
    expect(source!.name).toBe('ubuntu');
    expect(source!.attrs.get('ami_name')).toBe('var.output_ami_name');
    expect(source!.filters).toEqual({ subnet: 'var.subnet_name', securityGroup: 'var.security_group_name', vpc: undefined });
    const vars = new Map([['output_ami_name', 'ubuntu/x/wf/step1']]);
    expect(evaluate(source!.runTags.get('Name'), vars)).toBe('packer ubuntu/x/wf/step1');
    expect(template.builds).toEqual([
      {
        name: 'step1',
        sources: ['source.amazon-ebs.ubuntu'],
        provisioners: [
          expect.objectContaining({ type: 'shell', inline: ['cloud-init status --wait || true', 'lsblk'], scripts: [] }),
          expect.objectContaining({ type: 'shell', inline: [], scripts: ['zero_deps_script.py'] }),
        ],
        manifests: ['.paw/manifest.json'],
      },
    ]);
  });

  it('reports an unclosed block with its file and line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'paw-tpl-'));
    await writeFile(path.join(dir, 'broken.pkr.hcl'), 'source "amazon-ebs" "x" {\n  ami_name = "a"\n');
    expect(readTemplate(dir).errors).toEqual([expect.objectContaining({ file: 'broken.pkr.hcl', line: 1, message: 'Unclosed configuration block' })]);
  });

  it('reads var files with HCL escapes as the hcl filter writes them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'paw-tpl-'));
    const file = path.join(dir, 'step1.pkrvars.hcl');
    await writeFile(file, '# values\naws_region = "us-east-1"\nsubnet_name = "a \\"quoted\\" $${name} \\\\ b"\ncount = 3\n');
    const { values, errors } = readVarFile(file);
    expect(errors).toEqual([]);
    expect(Object.fromEntries(values)).toEqual({ aws_region: 'us-east-1', subnet_name: 'a "quoted" ${name} \\ b', count: '3' });
  });
});
