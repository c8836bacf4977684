variable "aws_region" {
  type        = string
  description = "The AWS region where the AMI is built."
}

variable "source_ami_id" {
  type        = string
  description = "The AMI this step starts from: the previous step's AMI, or the root base AMI."
}

variable "source_ami_name" {
  type        = string
  description = "The name of the source AMI."
}

variable "output_ami_name" {
  type        = string
  description = "The name of the AMI this step builds (<root base AMI name>/<workflow id>/<step id>); unique in a region."
}

variable "vpc_name" {
  type        = string
  description = "The Name tag of the VPC the build runs in."
}

variable "is_default_vpc" {
  type        = string
  description = "Whether that VPC is the default one: the string \"true\" or \"false\"."
}

variable "subnet_name" {
  type        = string
  description = "The Name tag of the (public) subnet the build instance runs in."
}

variable "security_group_name" {
  type        = string
  description = "The Name tag of the security group of the build instance (it must allow SSH in)."
}

variable "ec2_iam_role_name" {
  type        = string
  description = "The instance profile the build instance runs with."
}

variable "instance_type" {
  type        = string
  description = "The EC2 instance type of the build instance."
}

variable "paw_run_id" {
  type        = string
  default     = ""
  description = "paw-tui's run id of this build, tagged on the build instance (set by paw-tui with -var; empty otherwise)."
}
