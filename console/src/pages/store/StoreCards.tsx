import { Alert, Badge, Button, Group, Paper, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent, type ReactNode } from 'react';
import type { StoreSettings } from '../../../../src/contract/purchases.ts';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { SecretField } from './SecretField.tsx';
import { useStoreSave } from './use-store-save.ts';

type AppleView = NonNullable<StoreSettings['apple']>;
type GoogleView = NonNullable<StoreSettings['google']>;

interface CardProps<V> {
  projectId: string;
  current: V | null;
  readOnly: boolean;
}

function CardFrame({ title, configured, testId, children }: { title: string; configured: boolean; testId: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" data-testid={testId}>
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Title order={3}>{title}</Title>
        <Badge color={configured ? 'teal' : 'gray'} variant="light" data-testid={`${testId}-status`}>
          {configured ? 'Configured' : 'Not configured'}
        </Badge>
      </Group>
      {children}
    </Paper>
  );
}

/** Save, and Remove (with confirmation) once the store is configured; the server's complaint above them. */
function FormButtons(props: { store: string; configured: boolean; saving: boolean; removing: boolean; formError: string | null; onRemove: () => void; testId: string }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      {props.formError && (
        <Alert color="red" variant="light" p="xs" data-testid={`${props.testId}-error`}>
          <Text size="sm">{props.formError}</Text>
        </Alert>
      )}
      <Group justify="space-between">
        {props.configured ? (
          <Button variant="light" color="red" onClick={() => setConfirming(true)}>
            Remove
          </Button>
        ) : (
          <span />
        )}
        <Button type="submit" loading={props.saving} data-testid={`${props.testId}-save`}>
          Save
        </Button>
      </Group>
      <ConfirmDialog
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={`Remove ${props.store} settings`}
        confirmLabel="Remove"
        loading={props.removing}
        onConfirm={() => {
          props.onRemove();
          setConfirming(false);
        }}
      >
        Gatehouse will no longer verify {props.store} purchases of this project. Purchases already recorded stay as they are until they are
        re-verified.
      </ConfirmDialog>
    </>
  );
}

const required = (v: string, tried: boolean) => (tried && v.trim() === '' ? 'Required' : undefined);

// ---- Apple --------------------------------------------------------------------------------------

export function AppleCard(props: CardProps<AppleView>) {
  return (
    <CardFrame title="Apple App Store" configured={props.current !== null} testId="apple-settings">
      {/* A new answer from the server (after Save) starts the form again from it, with the key field empty. */}
      <AppleForm key={JSON.stringify(props.current)} {...props} />
    </CardFrame>
  );
}

function AppleForm({ projectId, current, readOnly }: CardProps<AppleView>) {
  const [issuer, setIssuer] = useState(current?.issuer_id ?? '');
  const [keyId, setKeyId] = useState(current?.key_id ?? '');
  const [privateKey, setPrivateKey] = useState('');
  const [bundle, setBundle] = useState(current?.bundle_id ?? '');
  const [appId, setAppId] = useState(current ? String(current.app_apple_id) : '');
  const [sandbox, setSandbox] = useState(current?.allow_sandbox ?? false);
  const [tried, setTried] = useState(false);
  const { mutation, fieldError, formError } = useStoreSave(projectId, 'apple', 'Apple');

  const appIdNumber = Number(appId.trim());
  const appIdError = tried && !(/^\d+$/.test(appId.trim()) && Number.isSafeInteger(appIdNumber) && appIdNumber >= 1) ? 'A number, e.g. 1234567890' : undefined;
  const keyMissing = tried && !current && privateKey.trim() === '' ? 'Required when Apple is first configured' : undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    const fields = [issuer, keyId, bundle].map((v) => v.trim());
    if (fields.includes('') || !/^\d+$/.test(appId.trim()) || !Number.isSafeInteger(appIdNumber) || appIdNumber < 1) return;
    if (!current && privateKey.trim() === '') return;
    mutation.mutate({
      apple: {
        issuer_id: fields[0]!,
        key_id: fields[1]!,
        bundle_id: fields[2]!,
        app_apple_id: appIdNumber,
        allow_sandbox: sandbox,
        ...(privateKey.trim() ? { private_key: privateKey.trim() } : {}),
      },
    });
  };
  const variant = readOnly ? 'filled' : 'default';
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Text size="xs" c="dimmed">
          From App Store Connect: Users and Access → Integrations → In-App Purchase keys, and the app's App Information.
        </Text>
        <TextInput label="Issuer ID" placeholder="57246542-96fe-1a63-e053-0824d011072a" value={issuer} onChange={(e) => setIssuer(e.currentTarget.value)} readOnly={readOnly} variant={variant} error={required(issuer, tried) ?? fieldError('issuer_id')} />
        <TextInput label="Key ID" placeholder="2X9R4HXF34" value={keyId} onChange={(e) => setKeyId(e.currentTarget.value)} readOnly={readOnly} variant={variant} error={required(keyId, tried) ?? fieldError('key_id')} />
        <SecretField
          label="Private key (.p8)"
          masked={current?.private_key ?? null}
          value={privateKey}
          onChange={setPrivateKey}
          placeholder={'-----BEGIN PRIVATE KEY-----\n…\n-----END PRIVATE KEY-----'}
          readOnly={readOnly}
          error={keyMissing ?? fieldError('private_key')}
          testId="apple-private-key"
        />
        <TextInput label="Bundle ID" placeholder="com.example.vpn" value={bundle} onChange={(e) => setBundle(e.currentTarget.value)} readOnly={readOnly} variant={variant} error={required(bundle, tried) ?? fieldError('bundle_id')} />
        <TextInput label="App Apple ID" placeholder="1234567890" inputMode="numeric" value={appId} onChange={(e) => setAppId(e.currentTarget.value)} readOnly={readOnly} variant={variant} error={appIdError ?? fieldError('app_apple_id')} />
        <Switch
          label="Sandbox purchases count"
          description="Purchases from the App Store sandbox (TestFlight, Xcode) make users paid"
          checked={sandbox}
          onChange={(e) => setSandbox(e.currentTarget.checked)}
          disabled={readOnly}
        />
        {!readOnly && (
          <FormButtons
            store="Apple"
            configured={current !== null}
            saving={mutation.isPending && mutation.variables?.apple !== null}
            removing={mutation.isPending && mutation.variables?.apple === null}
            formError={formError}
            onRemove={() => mutation.mutate({ apple: null })}
            testId="apple"
          />
        )}
      </Stack>
    </form>
  );
}

// ---- Google -------------------------------------------------------------------------------------

export function GoogleCard(props: CardProps<GoogleView>) {
  return (
    <CardFrame title="Google Play" configured={props.current !== null} testId="google-settings">
      <GoogleForm key={JSON.stringify(props.current)} {...props} />
    </CardFrame>
  );
}

function GoogleForm({ projectId, current, readOnly }: CardProps<GoogleView>) {
  const [pkg, setPkg] = useState(current?.package_name ?? '');
  const [json, setJson] = useState('');
  const [sandbox, setSandbox] = useState(current?.allow_sandbox ?? false);
  const [tried, setTried] = useState(false);
  const { mutation, fieldError, formError } = useStoreSave(projectId, 'google', 'Google');
  const pkgError = tried && !/^[A-Za-z0-9_.]+$/.test(pkg.trim()) ? (pkg.trim() ? 'Latin letters, digits, _ and . only' : 'Required') : undefined;
  const jsonMissing = tried && !current && json.trim() === '' ? 'Required when Google is first configured' : undefined;
  const sa = current?.service_account;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!/^[A-Za-z0-9_.]+$/.test(pkg.trim())) return;
    if (!current && json.trim() === '') return;
    mutation.mutate({
      google: { package_name: pkg.trim(), allow_sandbox: sandbox, ...(json.trim() ? { service_account_json: json.trim() } : {}) },
    });
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Text size="xs" c="dimmed">
          A service account with access to the app in Play Console (Users and permissions), and its JSON key file.
        </Text>
        <TextInput label="Package name" placeholder="com.example.vpn" value={pkg} onChange={(e) => setPkg(e.currentTarget.value)} readOnly={readOnly} variant={readOnly ? 'filled' : 'default'} error={pkgError ?? fieldError('package_name')} />
        <SecretField
          label="Service account JSON"
          masked={sa?.private_key ?? null}
          details={sa ? sa.client_email : undefined}
          value={json}
          onChange={setJson}
          placeholder={'{\n  "type": "service_account",\n  "client_email": "…",\n  "private_key": "…"\n}'}
          readOnly={readOnly}
          error={jsonMissing ?? fieldError('service_account_json')}
          testId="google-service-account"
        />
        <Switch
          label="License-tester purchases count"
          description="Test purchases by Play Console license testers make users paid"
          checked={sandbox}
          onChange={(e) => setSandbox(e.currentTarget.checked)}
          disabled={readOnly}
        />
        {!readOnly && (
          <FormButtons
            store="Google"
            configured={current !== null}
            saving={mutation.isPending && mutation.variables?.google !== null}
            removing={mutation.isPending && mutation.variables?.google === null}
            formError={formError}
            onRemove={() => mutation.mutate({ google: null })}
            testId="google"
          />
        )}
      </Stack>
    </form>
  );
}
