import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT_AMI_ID, ROOT_AMI_NAME } from './helpers.js';

/** A rendered step folder as the step1 scaffold produces it (amazon-ebs, filters, manifest). */
export async function stepFolder(workflow: string, vars: Record<string, string> = {}): Promise<{ dir: string; varFile: string; outputName: string }> {
  const dir = path.join(workflow, 's01-base');
  await mkdir(dir, { recursive: true });
  const outputName = `${ROOT_AMI_NAME}/paw-test/step1`;
  await writeFile(
    path.join(dir, 'step1.pkr.hcl'),
    `source "amazon-ebs" "ubuntu" {
  ami_name      = var.output_ami_name
  instance_type = var.instance_type
  region        = var.aws_region
  ssh_username  = "ubuntu"
  source_ami    = var.source_ami_id
  associate_public_ip_address = true
  vpc_filter {
    filters = {
      "tag:Name" : var.vpc_name,
      "isDefault" : var.is_default_vpc,
    }
  }
  subnet_filter {
    filters = {
      "tag:Name" : var.subnet_name,
    }
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
  name    = "step1"
  sources = ["source.amazon-ebs.ubuntu"]

  provisioner "shell" {
    inline = [
      "lsblk",
      "sudo apt-get update",
      "sudo apt-get install -y curl unzip",
    ]
  }

  provisioner "shell" {
    script = "setup.sh"
  }

  post-processor "manifest" {
    output     = ".paw/manifest.json"
    strip_path = true
  }
}
`,
  );
  const names = [
    'aws_region',
    'source_ami_id',
    'source_ami_name',
    'output_ami_name',
    'vpc_name',
    'is_default_vpc',
    'subnet_name',
    'security_group_name',
    'ec2_iam_role_name',
  ];
  await writeFile(
    path.join(dir, 'step1.variables.pkr.hcl'),
    names.map((n) => `variable "${n}" {\n  type = string\n}\n`).join('\n') + `\nvariable "instance_type" {\n  type    = string\n  default = "t3.micro"\n}\n`,
  );
  await writeFile(path.join(dir, 'setup.sh'), '#!/bin/bash\nset -e\necho "setting up the step"\ndf -h\n');
  const values: Record<string, string> = {
    aws_region: 'us-east-1',
    source_ami_id: ROOT_AMI_ID,
    source_ami_name: ROOT_AMI_NAME,
    output_ami_name: outputName,
    vpc_name: 'landing-zone-dev-vpc',
    is_default_vpc: 'false',
    subnet_name: 'landing-zone-dev/public/1',
    security_group_name: 'landing-zone-dev/sg/allow "ssh"',
    ec2_iam_role_name: 'ec2-admin-role',
    ...vars,
  };
  const varFile = path.join(dir, 'step1.pkrvars.hcl');
  await writeFile(
    varFile,
    Object.entries(values)
      .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
      .join('\n') + '\n',
  );
  return { dir, varFile, outputName: values.output_ami_name! };
}
