import type { SimulatedAccountSeed } from '../../src/aws/index.js';

/** Ids used across the AWS tests. */
export const IDS = {
  vpc: 'vpc-0a1b2c3d4e5f60001',
  otherVpc: 'vpc-0a1b2c3d4e5f60002',
  subnet: 'subnet-0a1b2c3d4e5f60001',
  web: 'sg-0a1b2c3d4e5f60001',
  ssh: 'sg-0a1b2c3d4e5f60002',
  otherVpcGroup: 'sg-0a1b2c3d4e5f60003',
  instance: 'i-0a1b2c3d4e5f60001',
  lonely: 'i-0a1b2c3d4e5f60002',
  eniPrimary: 'eni-0a1b2c3d4e5f60001',
  eniSecondary: 'eni-0a1b2c3d4e5f60002',
  eniLonely: 'eni-0a1b2c3d4e5f60003',
  rootVolume: 'vol-0a1b2c3d4e5f60001',
  dataVolume: 'vol-0a1b2c3d4e5f60002',
  topic: 'arn:aws:sns:us-east-1:123456789012:ir-alerts',
} as const;

/** A small account: one instance with two interfaces and two volumes, one with one of each. */
export function createSampleSeed(): SimulatedAccountSeed {
  return {
    accountId: '123456789012',
    region: 'us-east-1',
    vpcs: [{ vpcId: IDS.vpc, cidrBlock: '10.0.0.0/16' }, { vpcId: IDS.otherVpc }],
    subnets: [{ subnetId: IDS.subnet, vpcId: IDS.vpc, cidrBlock: '10.0.1.0/24' }],
    securityGroups: [
      {
        groupId: IDS.web,
        groupName: 'web',
        vpcId: IDS.vpc,
        ingress: [{ protocol: 'tcp', port: 443, cidr: '0.0.0.0/0' }],
      },
      {
        groupId: IDS.ssh,
        groupName: 'ssh',
        vpcId: IDS.vpc,
        ingress: [{ protocol: 'tcp', port: 22, cidr: '10.0.0.0/8' }],
      },
      { groupId: IDS.otherVpcGroup, groupName: 'elsewhere', vpcId: IDS.otherVpc },
    ],
    instances: [
      {
        instanceId: IDS.instance,
        instanceType: 'm5.large',
        vpcId: IDS.vpc,
        subnetId: IDS.subnet,
        tags: { Name: 'web-1', 'aws:autoscaling:groupName': 'web-asg' },
        networkInterfaces: [
          {
            networkInterfaceId: IDS.eniPrimary,
            privateIpAddress: '10.0.1.10',
            securityGroupIds: [IDS.web, IDS.ssh],
            connections: [
              { protocol: 'tcp', port: 22, remoteAddress: '10.9.8.7', direction: 'inbound' },
            ],
          },
          {
            networkInterfaceId: IDS.eniSecondary,
            privateIpAddress: '10.0.1.11',
            securityGroupIds: [IDS.ssh],
          },
        ],
        volumes: [
          { volumeId: IDS.rootVolume, deviceName: '/dev/xvda', sizeGiB: 8 },
          { volumeId: IDS.dataVolume, deviceName: '/dev/sdf', sizeGiB: 100 },
        ],
      },
      {
        instanceId: IDS.lonely,
        vpcId: IDS.vpc,
        subnetId: IDS.subnet,
        networkInterfaces: [{ networkInterfaceId: IDS.eniLonely, securityGroupIds: [IDS.web] }],
      },
    ],
    topics: [{ topicArn: IDS.topic }],
    autoScalingGroups: [{ name: 'web-asg', minSize: 0, maxSize: 4, instanceIds: [IDS.instance] }],
  };
}

/** Fake credentials for every client a test builds by hand: no provider chain, no IMDS. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } as const;
