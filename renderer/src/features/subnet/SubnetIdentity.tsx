import { Alert, Anchor, Badge, Group, Stack, Text, TextInput, Tooltip } from '@mantine/core'
import { IconAlertTriangle } from '@tabler/icons-react'
import type { SubnetIdentity, SubnetProtocol } from '../../../../native/contract'

const BADGE: Record<SubnetProtocol['verdict'], { color: string; label: string }> = {
  speaks: { color: 'green', label: 'speaks the embedding protocol' },
  'does-not': { color: 'red', label: 'does not speak the embedding protocol' },
  unknown: { color: 'yellow', label: 'embedding protocol unknown' },
}

/** Whether a subnet speaks OpenKaito's text-embedding protocol, decided by the engine from its identity. */
export function ProtocolBadge({ protocol, size = 'sm' }: { protocol: SubnetProtocol; size?: 'xs' | 'sm' }) {
  const b = BADGE[protocol.verdict]
  return (
    <Tooltip label={protocol.reason} multiline w={320} withArrow>
      <Badge color={b.color} variant="light" size={size} data-testid="protocol-badge" data-verdict={protocol.verdict}>
        {b.label}
      </Badge>
    </Tooltip>
  )
}

/** A repository as a link: "owner/name" or a full URL (GitHub assumed for the short form). */
function repoHref(repo: string): string | undefined {
  if (/^https?:\/\//i.test(repo)) return repo
  return /^[\w.-]+\/[\w.-]+$/.test(repo) ? `https://github.com/${repo}` : undefined
}

/** The subnet's on-chain identity (name, repository, description) and its protocol badge. */
export function SubnetIdentityView({ netuid, identity, protocol }: { netuid: number; identity: SubnetIdentity | null; protocol: SubnetProtocol }) {
  const href = identity?.githubRepo ? repoHref(identity.githubRepo) : undefined
  return (
    <Stack gap={2} data-testid="subnet-identity">
      <Group gap="xs">
        <Text fw={600} data-testid="subnet-identity-name">
          {identity?.name || `Subnet ${netuid} (no on-chain identity)`}
        </Text>
        <ProtocolBadge protocol={protocol} />
      </Group>
      {identity?.githubRepo && (
        <Text size="xs" c="dimmed">
          Repository:{' '}
          {href ? (
            <Anchor href={href} target="_blank" rel="noreferrer" size="xs">
              {identity.githubRepo}
            </Anchor>
          ) : (
            identity.githubRepo
          )}
        </Text>
      )}
      {identity?.description && (
        <Text size="xs" c="dimmed" lineClamp={3}>
          {identity.description}
        </Text>
      )}
    </Stack>
  )
}

/** What the user must type to go on: the subnet's name, or its netuid. */
export function confirmationMatches(typed: string, netuid: number, identity: SubnetIdentity | null): boolean {
  const t = typed.trim().toLowerCase()
  if (t === '') return false
  return t === String(netuid) || (!!identity?.name && t === identity.name.trim().toLowerCase())
}

/**
 * The typed confirmation before registering, mining or validating on a subnet that does not
 * declare the embedding protocol (the engine refuses without `force`). Renders nothing when it does.
 */
export function ProtocolConfirmation({
  netuid,
  identity,
  protocol,
  action,
  typed,
  onTyped,
}: {
  netuid: number
  identity: SubnetIdentity | null
  protocol: SubnetProtocol
  action: string
  typed: string
  onTyped: (value: string) => void
}) {
  if (protocol.verdict === 'speaks') return null
  const word = identity?.name ?? ''
  const title = protocol.verdict === 'does-not' ? `Subnet ${netuid} does not speak the embedding protocol` : `Nothing says what subnet ${netuid} runs`
  return (
    <Alert color={protocol.verdict === 'does-not' ? 'red' : 'yellow'} icon={<IconAlertTriangle size={18} />} title={title} data-testid="protocol-confirmation">
      <Stack gap="xs">
        <Text size="sm">
          {identity?.name ? `It runs ${identity.name}. ` : ''}
          {protocol.reason} If it runs another task, nobody there sends or answers embedding requests, and {action} here is money and effort for nothing.
        </Text>
        <TextInput
          size="xs"
          label={`To go on anyway, type ${identity?.name ? `“${word}” or ${netuid}` : netuid}`}
          value={typed}
          onChange={(e) => onTyped(e.currentTarget.value)}
          data-testid="protocol-confirm-input"
        />
      </Stack>
    </Alert>
  )
}
