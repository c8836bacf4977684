{#-
  The step's Packer template, rendered by `paw-tui render` to <step_id>.pkr.hcl.
  {{ builder.* }} is filled in when rendering; Packer's own {{ ... }} expressions go inside
  {% raw %} ... {% endraw %}. Values reach Packer through variables (see .variables.pkr.hcl);
  use the template language only for structure (if / for).

  The plugin block is left out for Packer 1.6, which has the amazon builder built in and
  refuses `required_plugins` (builder.packer is known when paw-tui runs Packer).
-#}
{% if builder.packer.required_plugins -%}
packer {
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = "~> 1"
    }
  }
}

{% endif -%}

source "amazon-ebs" "ubuntu" {
  ami_name      = var.output_ami_name
  instance_type = var.instance_type
  region        = var.aws_region
  ssh_username  = "ubuntu"

  # The source AMI is given explicitly (the previous step's AMI, or the root base AMI for the
  # first step) rather than found with source_ami_filter, so every build is reproducible.
  source_ami = var.source_ami_id

{% if builder.workflow_param.is_default_vpc == "false" %}
  # Not the default VPC: find it by its Name tag and ask for a public IP explicitly, so that
  # Packer can reach the instance over SSH.
  associate_public_ip_address = true

  vpc_filter {
    filters = {
      "tag:Name" : var.vpc_name,
      "isDefault" : var.is_default_vpc,
    }
  }
{% endif %}

  # Make sure this is a public subnet.
  subnet_filter {
    filters = {
      "tag:Name" : var.subnet_name,
    }
    most_free = true
    random    = false
  }

  # Make sure the security group lets SSH in.
  security_group_filter {
    filters = {
      "tag:Name" : var.security_group_name,
    }
  }

  # An instance profile name (not a role ARN).
  iam_instance_profile = var.ec2_iam_role_name

  # paw-tui's tags find the build instance and its volumes by workflow, step and run, even when
  # paw-tui was killed and its run journal is gone (`paw-tui runs`, `paw-tui doctor`).
  run_tags = {
    Name              = "packer ${var.output_ami_name}"
    "paw:workflow_id" = {{ builder.workflow_param.workflow_id | hcl }}
    "paw:step_id"     = {{ builder.step_param.step_id | hcl }}
    "paw:run_id"      = var.paw_run_id
  }

  run_volume_tags = {
    "paw:workflow_id" = {{ builder.workflow_param.workflow_id | hcl }}
    "paw:step_id"     = {{ builder.step_param.step_id | hcl }}
    "paw:run_id"      = var.paw_run_id
  }
}

build {
  name = "{{ builder.step_param.step_id }}"
  sources = [
    "source.amazon-ebs.ubuntu"
  ]

  provisioner "shell" {
    inline = [
      "cloud-init status --wait || true",
      # verify the EBS attachment
      "lsblk",
      "df -h",
    ]
  }

  # Anything installed with sudo goes in an inline block.
  provisioner "shell" {
    inline = [
      "sudo apt-get update",
      "sudo apt-get install -y nginx",
      "sudo useradd --system --create-home app || true",
    ]
  }

  # Logic that fits in one Python file with no dependencies: uploaded and run as it is (the
  # shebang on its first line picks the interpreter).
  provisioner "shell" {
    script = "zero_deps_script.py"
  }

  # paw-tui reads the new AMI id from this file (the path is relative to the step folder).
  post-processor "manifest" {
    output     = ".paw/manifest.json"
    strip_path = true
  }
}
