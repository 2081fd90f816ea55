/**
 * Purchases (SPEC §1 "Purchase", the User page's Purchases tab), the project's store settings and
 * product mapping, and the bodies the stores push to Gatehouse.
 */
import { Type, type Static } from 'typebox';
import { Instant, Int64In, Int64OrNull, Ok } from './common.ts';

export const PURCHASE_TYPES = ['apple', 'google'] as const;
export type PurchaseType = (typeof PURCHASE_TYPES)[number];
export const PurchaseTypeSchema = Type.Enum(PURCHASE_TYPES);

/** A receipt as the app (POST /user/purchase) or the operator (partner add) hands it over. */
export const PurchaseInput = Type.Object(
  {
    type: PurchaseTypeSchema,
    token: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 16384,
        description: 'apple: the signed transaction (JWS) from StoreKit 2; google: the purchase token',
      }),
    ),
    transaction_id: Type.Optional(Type.String({ pattern: '^[0-9]{1,32}$', description: 'apple: a transaction id, instead of token' })),
    product_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'google: the subscription product id' })),
  },
  { additionalProperties: false },
);
export type PurchaseInput = Static<typeof PurchaseInput>;

export const Purchase = Type.Object({
  id: Type.Integer(),
  transaction_id: Type.String({ description: "apple: original transaction id; google: purchase token" }),
  product_id: Type.String(),
  type: PurchaseTypeSchema,
  transaction_time: Type.Union([Instant(), Type.Null()]),
  expiration_time: Type.Union([Instant(), Type.Null()]),
  active: Type.Boolean(),
  trial: Type.Boolean(),
  raw_data: Type.Unknown({ description: 'the store data as verified' }),
  environment: Type.Union([Type.Literal('production'), Type.Literal('sandbox')]),
  last_verified_at: Type.Union([Instant(), Type.Null()]),
  verify_error: Type.Union([Type.String(), Type.Null()], { description: 'why the purchase is not active, or the last failed check' }),
  next_verify_at: Type.Union([Instant(), Type.Null()]),
  replaced_by: Type.Union([Type.Integer(), Type.Null()]),
  created_at: Instant(),
});
export type Purchase = Static<typeof Purchase>;

export const PurchasesReply = Ok({ purchases: Type.Array(Purchase) });
export const PurchaseReply = Ok({ purchase: Purchase });
export const ClientPurchaseReply = Ok({ purchase_id: Type.Integer(), purchase: Purchase });

export const PurchaseParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  purchaseId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
});
export const DeletePurchaseQuery = Type.Object(
  {
    purchase_id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    access_token: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);

// ---- store settings -----------------------------------------------------------------------------
const Masked = Type.String({ description: 'a secret, shown as its last four characters only' });
export const AppleSettingsView = Type.Object({
  issuer_id: Type.String(),
  key_id: Type.String(),
  private_key: Masked,
  bundle_id: Type.String(),
  app_apple_id: Type.Integer(),
  allow_sandbox: Type.Boolean(),
});
export const GoogleSettingsView = Type.Object({
  package_name: Type.String(),
  service_account: Type.Object({ client_email: Type.String(), private_key_id: Type.Union([Type.String(), Type.Null()]), private_key: Masked }),
  allow_sandbox: Type.Boolean(),
});
export const StoreSettings = Type.Object({
  apple: Type.Union([AppleSettingsView, Type.Null()]),
  google: Type.Union([GoogleSettingsView, Type.Null()]),
});
export type StoreSettings = Static<typeof StoreSettings>;
export const StoreSettingsReply = Ok({ stores: StoreSettings });

const Id = (max: number) => Type.String({ minLength: 1, maxLength: max });
export const AppleSettingsInput = Type.Object(
  {
    issuer_id: Id(64),
    key_id: Id(32),
    private_key: Type.Optional(Type.String({ minLength: 1, maxLength: 8192, description: 'the .p8 key; omit to keep the stored one' })),
    bundle_id: Id(256),
    app_apple_id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    allow_sandbox: Type.Optional(Type.Boolean({ description: 'sandbox purchases make users paid (default false)' })),
  },
  { additionalProperties: false },
);
export type AppleSettingsInput = Static<typeof AppleSettingsInput>;
export const GoogleSettingsInput = Type.Object(
  {
    package_name: Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9_.]+$' }),
    service_account_json: Type.Optional(Type.String({ minLength: 2, maxLength: 16384, description: 'the key file; omit to keep the stored one' })),
    allow_sandbox: Type.Optional(Type.Boolean({ description: 'license-tester purchases make users paid (default false)' })),
  },
  { additionalProperties: false },
);
export type GoogleSettingsInput = Static<typeof GoogleSettingsInput>;
export const StoreSettingsUpdate = Type.Object(
  {
    apple: Type.Optional(Type.Union([AppleSettingsInput, Type.Null()], { description: 'null removes the Apple settings' })),
    google: Type.Optional(Type.Union([GoogleSettingsInput, Type.Null()], { description: 'null removes the Google settings' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type StoreSettingsUpdate = Static<typeof StoreSettingsUpdate>;

// ---- product mapping ----------------------------------------------------------------------------
export const ProductMapping = Type.Object({
  product_id: Type.String(),
  license_id: Type.Union([Type.Integer(), Type.Null()], { description: "null = the user's license stays" }),
  traffic_limit: Int64OrNull('bytes per period; null = unlimited'),
});
export const ProductsReply = Ok({ products: Type.Array(ProductMapping) });
export const ProductsUpdate = Type.Object(
  {
    products: Type.Array(
      Type.Object(
        {
          product_id: Type.String({ minLength: 1, maxLength: 256 }),
          license_id: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), Type.Null()])),
          traffic_limit: Type.Optional(Type.Union([Int64In({ description: 'bytes per period' }), Type.Null()])),
        },
        { additionalProperties: false },
      ),
      { maxItems: 500 },
    ),
  },
  { additionalProperties: false },
);
export type ProductsUpdate = Static<typeof ProductsUpdate>;

// ---- what the stores push -----------------------------------------------------------------------
export const StoreProjectParams = Type.Object({ projectId: Type.String({ minLength: 1, maxLength: 64 }) });
export const AppleNotificationBody = Type.Object({ signedPayload: Type.String({ minLength: 1, maxLength: 262144 }) });
export const PubSubPushBody = Type.Object({
  message: Type.Object({
    data: Type.String({ maxLength: 262144 }),
    messageId: Type.Optional(Type.String({ maxLength: 256 })),
    message_id: Type.Optional(Type.String({ maxLength: 256 })),
  }),
  subscription: Type.Optional(Type.String({ maxLength: 512 })),
});
export type PubSubPushBody = Static<typeof PubSubPushBody>;
