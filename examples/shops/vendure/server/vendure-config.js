// Vendure 3.7 server settings for the journeyaudit corpus (plain CommonJS: no TypeScript build).
// The shop's own settings, as `@vendure/create` would write them, with three changes for a
// local audit: sql.js (an SQLite file, no database server), the job queue run in the server
// process, and the EmailPlugin sending real SMTP to journeyaudit's sink (VENDURE_SMTP_PORT).
const path = require('path');
const {
    AddressBasedTaxZoneStrategy,
    dummyPaymentHandler,
    DefaultJobQueuePlugin,
    DefaultSearchPlugin,
    LanguageCode,
    PaymentMethodHandler,
} = require('@vendure/core');
const { defaultEmailHandlers, EmailPlugin, FileBasedTemplateLoader } = require('@vendure/email-plugin');
const { AssetServerPlugin } = require('@vendure/asset-server-plugin');

const WORK = process.env.VENDURE_WORK;
const PORT = +(process.env.VENDURE_PORT || 8741);
const STOREFRONT = process.env.VENDURE_STOREFRONT_URL || 'http://127.0.0.1:8742';

// Defect switch 1 (declined payment): a card processor whose every payment comes back declined,
// as a real gateway answers a refused card. Declaring a handler is configuration; it is offered
// to customers only when a payment method using it is created and enabled through the admin API
// (seed.sh creates "Credit card" disabled; journeys/payment-declined.yaml enables it).
const decliningCardHandler = new PaymentMethodHandler({
    code: 'declining-card-handler',
    description: [{ languageCode: LanguageCode.en, value: 'Card processor that declines every card (corpus defect)' }],
    args: {},
    createPayment: (ctx, order, amount) => ({
        amount,
        state: 'Declined',
        transactionId: `declined-${order.code}`,
        errorMessage: 'Card declined by the issuer',
        metadata: {},
    }),
    settlePayment: () => ({ success: false }),
});

exports.config = {
    apiOptions: {
        hostname: '127.0.0.1',
        port: PORT,
        adminApiPath: 'admin-api',
        shopApiPath: 'shop-api',
        cors: { origin: true, credentials: true },
    },
    authOptions: {
        tokenMethod: ['bearer', 'cookie'],
        superadminCredentials: { identifier: 'superadmin', password: 'superadmin' },
        cookieOptions: { secret: 'journeyaudit-corpus-not-a-secret' },
    },
    dbConnectionOptions: {
        type: 'sqljs',
        synchronize: true,
        logging: false,
        location: path.join(WORK, 'vendure.sqlite'),
        autoSave: true,
    },
    paymentOptions: { paymentMethodHandlers: [dummyPaymentHandler, decliningCardHandler] },
    // Defect switch 2 (late tax): tax by the shipping address's country (Vendure's own
    // AddressBasedTaxZoneStrategy) instead of the channel's default zone (Europe). Prices are
    // shown with Europe's tax until the customer gives an address; seed.sh gives the Americas
    // zone its own standard rate, so a US address raises the total after the address is given.
    taxOptions: { taxZoneStrategy: new AddressBasedTaxZoneStrategy() },
    customFields: {},
    plugins: [
        AssetServerPlugin.init({
            route: 'assets',
            assetUploadDir: path.join(WORK, 'assets'),
            assetUrlPrefix: `http://127.0.0.1:${PORT}/assets/`,
        }),
        DefaultJobQueuePlugin.init({ useDatabaseForBuffer: true, pollInterval: 500 }),
        DefaultSearchPlugin.init({ bufferUpdates: false, indexStockStatus: true }),
        EmailPlugin.init({
            handlers: defaultEmailHandlers,
            templateLoader: new FileBasedTemplateLoader(
                path.join(path.dirname(require.resolve('@vendure/email-plugin/package.json')), 'templates'),
            ),
            transport: {
                type: 'smtp',
                host: '127.0.0.1',
                port: +(process.env.VENDURE_SMTP_PORT || 2527),
                secure: false,
                ignoreTLS: true,
            },
            globalTemplateVars: {
                fromAddress: '"Vendure Demo Store" <noreply@vendure.test>',
                verifyEmailAddressUrl: `${STOREFRONT}/verify`,
                passwordResetUrl: `${STOREFRONT}/password-reset`,
                changeEmailAddressUrl: `${STOREFRONT}/verify-email-address-change`,
            },
        }),
    ],
};
