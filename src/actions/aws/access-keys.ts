import { ListAccessKeysCommand, UpdateAccessKeyCommand, type IAMClient } from '@aws-sdk/client-iam';

/** One access key and its status. */
export interface AccessKeyStatus {
  accessKeyId: string;
  status: 'Active' | 'Inactive';
}

/** Every access key of a user, every page. */
export async function listAccessKeys(iam: IAMClient, userName: string): Promise<AccessKeyStatus[]> {
  const keys: AccessKeyStatus[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListAccessKeysCommand({ UserName: userName, Marker: marker }));
    for (const key of page.AccessKeyMetadata ?? []) {
      const status = key.Status === 'Active' ? 'Active' : 'Inactive';
      if (key.AccessKeyId !== undefined) keys.push({ accessKeyId: key.AccessKeyId, status });
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker !== undefined);
  return keys;
}

/** Sets one key's status. */
export async function setAccessKeyStatus(
  iam: IAMClient,
  userName: string,
  accessKeyId: string,
  status: 'Active' | 'Inactive',
): Promise<void> {
  const input = { UserName: userName, AccessKeyId: accessKeyId, Status: status };
  await iam.send(new UpdateAccessKeyCommand(input));
}
