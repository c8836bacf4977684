import type { InitAnswers } from './scaffold.js';

/** What `init` asks (on the command line and in the app), in order. */
export type InitQuestionKey = 'workflowId' | 'vpcName' | 'defaultVpc' | 'subnetName' | 'securityGroupName' | 'ec2IamRoleName';

export interface InitQuestion {
  key: InitQuestionKey;
  flag: string;
  message: string;
  /** A choice rather than free text; the first is the default. */
  choices?: readonly string[];
}

export const INIT_QUESTIONS: readonly InitQuestion[] = [
  { key: 'workflowId', flag: '--workflow-id', message: 'Workflow id (names the AMIs: <base>/<workflow id>/<step>)' },
  { key: 'vpcName', flag: '--vpc-name', message: 'Name tag of the VPC the builds run in' },
  { key: 'defaultVpc', flag: '--default-vpc', message: 'Is it the default VPC? (true/false)', choices: ['false', 'true'] },
  { key: 'subnetName', flag: '--subnet-name', message: 'Name tag of a public subnet in it' },
  { key: 'securityGroupName', flag: '--security-group-name', message: 'Name tag of a security group that allows SSH in' },
  { key: 'ec2IamRoleName', flag: '--ec2-iam-role-name', message: 'Instance profile the build instances run with' },
];

/** The answers as scaffolding takes them. */
export function initAnswers(
  a: Record<InitQuestionKey, string>,
  more: Omit<InitAnswers, 'workflowId' | 'vpcName' | 'isDefaultVpc' | 'subnetName' | 'securityGroupName' | 'ec2IamRoleName'>,
): InitAnswers {
  return {
    workflowId: a.workflowId,
    vpcName: a.vpcName,
    isDefaultVpc: a.defaultVpc === 'true' ? 'true' : 'false',
    subnetName: a.subnetName,
    securityGroupName: a.securityGroupName,
    ec2IamRoleName: a.ec2IamRoleName,
    ...more,
  };
}
