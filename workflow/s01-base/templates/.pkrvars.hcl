{#- Every value goes through `| hcl`, so a quote or a ${ in a param cannot break this file. -#}
aws_region          = {{ builder.workflow_param.aws_region | hcl }}
source_ami_id       = {{ builder.source_ami_id | hcl }}
source_ami_name     = {{ builder.source_ami_name | hcl }}
output_ami_name     = {{ builder.output_ami_name | hcl }}
vpc_name            = {{ builder.workflow_param.vpc_name | hcl }}
is_default_vpc      = {{ builder.workflow_param.is_default_vpc | hcl }}
subnet_name         = {{ builder.workflow_param.subnet_name | hcl }}
security_group_name = {{ builder.workflow_param.security_group_name | hcl }}
ec2_iam_role_name   = {{ builder.workflow_param.ec2_iam_role_name | hcl }}
instance_type       = "t3.micro"
