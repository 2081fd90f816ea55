/**
 * A project's payment (store) settings and product mapping. Settings are sealed with the server key
 * at rest; reads show secrets masked (last four characters), and the audit log never sees them.
 */
import { createPrivateKey } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { Conn } from '../store/db.ts';
import { transaction } from '../store/db.ts';
import * as store from '../store/purchases.ts';
import { getLicense } from '../store/licenses.ts';
import { writeAudit } from '../store/audit.ts';
import { GatehouseError, invalid } from '../domain/errors.ts';
import { maskSecret } from '../domain/purchases.ts';
import type { ProductsUpdate, StoreSettings, StoreSettingsUpdate } from '../contract/purchases.ts';
import { authorize, type Actor } from './actor.ts';
import { requireProject } from './projects.ts';

export interface AppleSettings {
  issuer_id: string;
  key_id: string;
  private_key: string;
  bundle_id: string;
  app_apple_id: number;
  allow_sandbox: boolean;
}

export interface GoogleSettings {
  package_name: string;
  service_account: { client_email: string; private_key: string; private_key_id?: string } & Record<string, unknown>;
  allow_sandbox: boolean;
}

export interface ProjectStores {
  apple: AppleSettings | null;
  google: GoogleSettings | null;
}

/** The project's store settings, unsealed (for verification; never sent anywhere as is). */
export const loadStoreSettings = async (ctx: AppContext, c: Conn, projectId: string): Promise<ProjectStores> => {
  const sealed = await store.getSealedStoreSettings(c, projectId);
  return {
    apple: sealed.apple ? (JSON.parse(ctx.box.decrypt(sealed.apple)) as AppleSettings) : null,
    google: sealed.google ? (JSON.parse(ctx.box.decrypt(sealed.google)) as GoogleSettings) : null,
  };
};

const view = (s: ProjectStores): StoreSettings => ({
  apple: s.apple && {
    issuer_id: s.apple.issuer_id,
    key_id: s.apple.key_id,
    private_key: maskSecret(s.apple.private_key),
    bundle_id: s.apple.bundle_id,
    app_apple_id: s.apple.app_apple_id,
    allow_sandbox: s.apple.allow_sandbox,
  },
  google: s.google && {
    package_name: s.google.package_name,
    service_account: {
      client_email: s.google.service_account.client_email,
      private_key_id: s.google.service_account.private_key_id ?? null,
      private_key: maskSecret(s.google.service_account.private_key),
    },
    allow_sandbox: s.google.allow_sandbox,
  },
});

export const getStoreSettings = async (ctx: AppContext, actor: Actor): Promise<StoreSettings> => {
  authorize(actor, 'project.read');
  await requireProject(ctx.store, actor.projectId);
  return view(await loadStoreSettings(ctx, ctx.store, actor.projectId));
};

const appleKey = (pem: string): string => {
  try {
    const k = createPrivateKey(pem);
    if (k.asymmetricKeyType === 'ec' && k.asymmetricKeyDetails?.namedCurve === 'prime256v1') return pem.trim() + '\n';
  } catch {
    // reported below
  }
  throw invalid('apple.private_key', 'must be the .p8 key from App Store Connect (PKCS#8 PEM, EC P-256)');
};

const serviceAccount = (json: string): GoogleSettings['service_account'] => {
  let sa: Record<string, unknown>;
  try {
    sa = JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw invalid('google.service_account_json', 'is not JSON (paste the key file of the service account)');
  }
  if (!sa || typeof sa !== 'object' || sa.type !== 'service_account' || typeof sa.client_email !== 'string' || typeof sa.private_key !== 'string') {
    throw invalid('google.service_account_json', 'must be a service account key file (type service_account, client_email, private_key)');
  }
  try {
    if (createPrivateKey(sa.private_key).asymmetricKeyType !== 'rsa') throw new Error('not RSA');
  } catch {
    throw invalid('google.service_account_json', 'private_key is not an RSA private key in PEM');
  }
  return sa as GoogleSettings['service_account'];
};

/** Replaces the Apple and/or Google settings (null removes them); omitted secrets keep their stored value. */
export const putStoreSettings = async (ctx: AppContext, actor: Actor, body: StoreSettingsUpdate): Promise<StoreSettings> => {
  authorize(actor, 'project.update');
  return transaction(ctx.store, async (tx) => {
    await requireProject(tx, actor.projectId);
    const before = await loadStoreSettings(ctx, tx, actor.projectId);
    const after: ProjectStores = { ...before };
    if (body.apple !== undefined) {
      const a = body.apple;
      if (a === null) after.apple = null;
      else {
        const key = a.private_key !== undefined ? appleKey(a.private_key) : before.apple?.private_key;
        if (!key) throw invalid('apple.private_key', 'required when Apple is first configured');
        after.apple = { issuer_id: a.issuer_id, key_id: a.key_id, private_key: key, bundle_id: a.bundle_id, app_apple_id: a.app_apple_id, allow_sandbox: a.allow_sandbox ?? before.apple?.allow_sandbox ?? false };
      }
    }
    if (body.google !== undefined) {
      const g = body.google;
      if (g === null) after.google = null;
      else {
        const sa = g.service_account_json !== undefined ? serviceAccount(g.service_account_json) : before.google?.service_account;
        if (!sa) throw invalid('google.service_account_json', 'required when Google is first configured');
        after.google = { package_name: g.package_name, service_account: sa, allow_sandbox: g.allow_sandbox ?? before.google?.allow_sandbox ?? false };
      }
    }
    const now = ctx.clock.now();
    await store.putSealedStoreSettings(
      tx,
      actor.projectId,
      {
        apple: after.apple ? ctx.box.encrypt(JSON.stringify(after.apple)) : null,
        google: after.google ? ctx.box.encrypt(JSON.stringify(after.google)) : null,
      },
      now,
    );
    const shown = view(after);
    await writeAudit(tx, { projectId: actor.projectId, at: now, author: actor.author, action: 'stores.update', objectType: 'project', objectId: actor.projectId, before: view(before), after: shown });
    return shown;
  });
};

const productsView = (list: store.ProductMapping[]) =>
  list.map((p) => ({ product_id: p.productId, license_id: p.licenseId, traffic_limit: p.trafficLimit }));

export const getProducts = async (ctx: AppContext, actor: Actor) => {
  authorize(actor, 'project.read');
  await requireProject(ctx.store, actor.projectId);
  return productsView(await store.listProducts(ctx.store, actor.projectId));
};

/** Replaces the product mapping. It applies from the next change of each user's purchases. */
export const putProducts = async (ctx: AppContext, actor: Actor, body: ProductsUpdate) => {
  authorize(actor, 'project.update');
  return transaction(ctx.store, async (tx) => {
    await requireProject(tx, actor.projectId);
    const seen = new Set<string>();
    const list: store.ProductMapping[] = [];
    for (const [i, p] of body.products.entries()) {
      if (seen.has(p.product_id)) throw invalid(`products.${i}.product_id`, `${p.product_id} appears twice`);
      seen.add(p.product_id);
      const licenseId = p.license_id ?? null;
      if (licenseId !== null && !(await getLicense(tx, actor.projectId, licenseId))) {
        throw new GatehouseError('LICENSE_NOT_FOUND', `license ${licenseId} not found`, `products.${i}.license_id`);
      }
      list.push({ productId: p.product_id, licenseId, trafficLimit: p.traffic_limit == null ? null : BigInt(p.traffic_limit) });
    }
    const before = productsView(await store.listProducts(tx, actor.projectId));
    await store.replaceProducts(tx, actor.projectId, list);
    const after = productsView(list);
    await writeAudit(tx, { projectId: actor.projectId, at: ctx.clock.now(), author: actor.author, action: 'products.update', objectType: 'project', objectId: actor.projectId, before, after });
    return after;
  });
};
